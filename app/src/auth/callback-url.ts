/**
 * Callbacks per host: without GATEHOUSE_REDIRECT_URL, a sign-in's redirect_uri is
 * `<scheme>://<host>/oauth2/callback` on the host the sign-in came through, so one deployment
 * serves apps on unrelated domains, each with its own host-only cookies. The Host header is the
 * client's word, so it is used only when GATEHOUSE_ALLOWED_REDIRECT_DOMAINS lists it: an unlisted
 * host is refused before any state is made, and never reaches the provider. The provider's
 * registered redirect URIs are the second line of defence.
 */
import type { Config } from '../config/config.ts';
import { AppError } from '../errors.ts';
import { ROUTES } from '../http/routes.ts';
import { isAllowedHost } from './redirect.ts';

// A DNS name or IPv4 address with an optional port: nothing that could change the URL's meaning.
const HOST_HEADER = /^([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)(?::(\d{1,5}))?$/;
const SHOWN_LENGTH = 100;

/** The callback addresses of sign-in and sign-out. */
export interface CallbackUrls {
  /** True when each sign-in's callback is derived from its host. */
  readonly perHost: boolean;
  /**
   * This sign-in's redirect_uri: undefined when GATEHOUSE_REDIRECT_URL is the callback.
   * @throws AppError BAD_REQUEST when the host is not one gatehouse may sign in for
   */
  forSignIn(hostHeader: string | undefined): string | undefined;
  /** Where the provider sends the browser after RP-initiated logout; undefined when the host is not allowed. */
  postLogout(hostHeader: string | undefined): string | undefined;
}

/** The origin of an allowed Host header; undefined for anything else. */
export function allowedOrigin(hostHeader: string | undefined, scheme: 'http' | 'https', allowed: readonly string[]): string | undefined {
  const host = hostHeader?.toLowerCase();
  const match = host === undefined ? null : HOST_HEADER.exec(host);
  if (!match || !isAllowedHost(match[1] as string, allowed)) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65535)) return undefined;
  return `${scheme}://${host}`;
}

/** Creates the callback addresses once per config. */
export function createCallbackUrls(config: Pick<Config, 'login' | 'cookie' | 'allowedRedirectDomains'>): CallbackUrls {
  const fixed = config.login?.redirectUrl;
  const fixedPostLogout = config.login?.postLogoutRedirectUrl?.href;
  // Secure cookies mean the browser reaches gatehouse over https; the callback is on the same scheme.
  const scheme = config.cookie.secure ? 'https' : 'http';
  const originOf = (hostHeader: string | undefined) => allowedOrigin(hostHeader, scheme, config.allowedRedirectDomains);
  return {
    perHost: fixed === undefined,
    forSignIn(hostHeader) {
      if (fixed) return undefined;
      const origin = originOf(hostHeader);
      if (origin === undefined) {
        const shown = (hostHeader ?? '').slice(0, SHOWN_LENGTH);
        throw new AppError('BAD_REQUEST', `sign-in through a host that is not allowed: ${JSON.stringify(shown)}`, {
          detail: `This service does not sign people in at the address "${shown}": it is not one of the hosts it is configured for. Use the link of the application you want to reach; if it keeps happening, ask its administrator to add the host to GATEHOUSE_ALLOWED_REDIRECT_DOMAINS.`,
        });
      }
      return `${origin}${ROUTES.callback}`;
    },
    postLogout(hostHeader) {
      if (fixedPostLogout !== undefined) return fixedPostLogout;
      const origin = originOf(hostHeader);
      return origin === undefined ? undefined : `${origin}${ROUTES.signedOut}`;
    },
  };
}

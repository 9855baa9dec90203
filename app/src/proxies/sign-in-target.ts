/**
 * Where a browser that is not signed in is sent: the configured sign-in URL with `rd` = the
 * original URL. The rd passes the same validation as every other rd: relative when the original
 * is on the sign-in origin, otherwise absolute and only to an allowed host; anything else becomes "/".
 * A route's `provider=` rides along, so the sign-in goes to that provider. With callbacks per host
 * and no GATEHOUSE_SIGNIN_URL, the sign-in URL is /oauth2/start on the original host itself, which
 * refuses the host there unless it is allowed.
 */
import { validateRedirect } from '../auth/redirect.ts';
import type { Config } from '../config/config.ts';
import { ROUTES } from '../http/routes.ts';

/** The parts of the original URL the rd is built from. */
export interface TargetUrl {
  readonly scheme: 'http' | 'https';
  readonly host: string;
  /** Path and query, starting with "/". */
  readonly uri: string;
}

/** The sign-in and sign-out addresses for one original URL. */
export interface SignInLinks {
  /** The sign-in URL with the validated rd. */
  readonly signIn: string;
  /** Sign-out, then back to the original URL (which signs in again): "sign in as someone else". */
  readonly switchAccount: string;
  readonly signOut: string;
}

/** Builds sign-in links, for the provider a route names; undefined when browser sign-in is not configured. */
export type SignInTarget = (target: TargetUrl, provider?: string) => SignInLinks;

/** Creates the builder once per config. */
export function createSignInTarget(config: Pick<Config, 'proxies' | 'allowedRedirectDomains'> & Partial<Pick<Config, 'login'>>): SignInTarget | undefined {
  const configured = config.proxies.signinUrl;
  const perHost = !configured && config.login !== undefined && config.login.redirectUrl === undefined;
  if (!configured && !perHost) return undefined;
  return ({ scheme, host, uri }, provider) => {
    const signin = configured ?? new URL(ROUTES.start, `${scheme}://${host}`);
    const signOut = new URL('sign_out', signin).href;
    const absolute = `${scheme}://${host}${uri}`;
    // On the sign-in origin a relative rd is enough, and needs no allowed-domains entry.
    const sameOrigin = `${scheme}://${host.toLowerCase()}` === signin.origin;
    const rd = sameOrigin ? validateRedirect(uri, []) : validateRedirect(absolute, config.allowedRedirectDomains);
    const query = `?rd=${encodeURIComponent(rd)}`;
    const chosen = provider === undefined ? '' : `&provider=${encodeURIComponent(provider)}`;
    return { signIn: `${signin.href}${query}${chosen}`, switchAccount: `${signOut}${query}`, signOut };
  };
}

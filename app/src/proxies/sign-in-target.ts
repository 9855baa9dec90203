/**
 * Where a browser that is not signed in is sent: the configured sign-in URL with `rd` = the
 * original URL. The rd passes the same validation as every other rd: relative when the original
 * is on the sign-in origin, otherwise absolute and only to an allowed host; anything else becomes "/".
 */
import { validateRedirect } from '../auth/redirect.ts';
import type { Config } from '../config/config.ts';

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

/** Builds sign-in links; undefined when browser sign-in is not configured. */
export type SignInTarget = (target: TargetUrl) => SignInLinks;

/** Creates the builder once per config. */
export function createSignInTarget(config: Pick<Config, 'proxies' | 'allowedRedirectDomains'>): SignInTarget | undefined {
  const signin = config.proxies.signinUrl;
  if (!signin) return undefined;
  const origin = signin.origin;
  const signOut = new URL('sign_out', signin).href;
  return ({ scheme, host, uri }) => {
    const absolute = `${scheme}://${host}${uri}`;
    // On the sign-in origin a relative rd is enough, and needs no allowed-domains entry.
    const sameOrigin = `${scheme}://${host.toLowerCase()}` === origin;
    const rd = sameOrigin ? validateRedirect(uri, []) : validateRedirect(absolute, config.allowedRedirectDomains);
    const query = `?rd=${encodeURIComponent(rd)}`;
    return { signIn: `${signin.href}${query}`, switchAccount: `${signOut}${query}`, signOut };
  };
}

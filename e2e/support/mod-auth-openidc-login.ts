/**
 * Signs in to a path Apache protects with mod_auth_openidc, without a browser: the protected URL
 * answers a redirect to the provider, the provider's own steps are walked by signInAtProvider
 * (login form, consent), and the provider's redirect to mod_auth_openidc's redirect URI, sent
 * back with the state cookie, answers the session cookie and a redirect to the protected URL.
 */
import { CookieJar } from './cookie-jar.ts';
import { httpRequest } from './http-client.ts';
import { signInAtProvider } from './provider-login.ts';

/** mod_auth_openidc's default session cookie name (OIDCCookie). */
export const MOD_AUTH_OPENIDC_SESSION_COOKIE = 'mod_auth_openidc_session';

/**
 * Walks the sign-in from `protectedUrl`.
 * @param redirectUri - the module's OIDCRedirectURI, where the provider sends the browser back
 * @returns the Cookie header that carries the session, and nothing else
 * @throws when a step answers otherwise than the flow says
 */
export async function signInToModAuthOpenidc(protectedUrl: URL, user: { login: string; password: string }, redirectUri: string): Promise<string> {
  const jar = new CookieJar();
  const html = { accept: 'text/html' };
  const start = await httpRequest(protectedUrl, { headers: html });
  const authorization = start.headers.location;
  if (start.status !== 302 || authorization === undefined) throw new Error(`${protectedUrl.href} answered ${start.status} without a redirect to the provider`);
  jar.store(protectedUrl, start.setCookies);
  const callback = await signInAtProvider(new URL(authorization), user, redirectUri);
  const back = await httpRequest(callback, { headers: { ...html, cookie: jar.header(callback) } });
  jar.store(callback, back.setCookies);
  const session = jar.cookiesFor(callback.hostname).get(MOD_AUTH_OPENIDC_SESSION_COOKIE);
  if (back.status !== 302 || session === undefined) {
    throw new Error(`the redirect URI answered ${back.status} without a session: ${back.body.replace(/\s+/g, ' ').slice(0, 300)}`);
  }
  return `${MOD_AUTH_OPENIDC_SESSION_COOKIE}=${session}`;
}

/**
 * Sign-in broken into steps, for tests that need to hold or replay the callback: with a live
 * IdP session in the jar, the provider answers /authorize with a redirect straight to the callback.
 */
import { CookieJar } from '../../../e2e/support/cookie-jar.ts';
import { httpRequest, type HttpResponse } from '../../../e2e/support/http-client.ts';

const MAX_HOPS = 10;

/** Sends a GET with the jar's cookies and stores what comes back. */
export async function getWithJar(jar: CookieJar, url: URL, headers: Record<string, string> = {}): Promise<HttpResponse> {
  const cookie = jar.header(url, { method: 'GET', crossSite: false });
  const response = await httpRequest(url, { headers: { ...headers, ...(cookie ? { cookie } : {}) } });
  jar.store(url, response.setCookies);
  return response;
}

/**
 * Starts a sign-in at `baseUrl` and follows the provider's redirects until the callback URL,
 * which is returned unsent. The jar must already hold an IdP session.
 */
export async function callbackUrlFor(jar: CookieJar, baseUrl: string, rd: string): Promise<URL> {
  let url = new URL(`/oauth2/start?rd=${encodeURIComponent(rd)}`, baseUrl);
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const res = await getWithJar(jar, url);
    if (!res.headers.location) throw new Error(`no redirect from ${url.href}: ${res.status} ${res.body.slice(0, 200)}`);
    url = new URL(res.headers.location, url);
    if (url.pathname === '/oauth2/callback') return url;
  }
  throw new Error('never reached the callback');
}

/**
 * Signs the jar's user out at the provider itself, as its logout page's script would (the provider
 * then sends back-channel logout tokens to every client with a session).
 */
export async function logoutAtProvider(jar: CookieJar, issuer: string): Promise<void> {
  const page = await getWithJar(jar, new URL('/session/end', issuer));
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const confirm = new URL('/session/end/confirm', issuer);
  await httpRequest(confirm, {
    method: 'POST',
    headers: { cookie: jar.header(confirm, { method: 'POST', crossSite: false }), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
  });
}

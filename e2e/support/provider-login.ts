/**
 * Signs in at the test IdP from an authorization URL without a browser, and stops where the IdP
 * sends the browser back to the relying party: the callback URL with its code and state, as a
 * facilitator receives it. For tests of a relying party other than gatehouse (Elasticsearch's
 * realm in the stand-in), where nothing listens at the callback.
 */
import { CookieJar } from './cookie-jar.ts';
import { unescapeHtml } from './escape-html.ts';
import { httpRequest } from './http-client.ts';

const MAX_HOPS = 20;

/**
 * Walks the authorization URL, the login form and the redirects after it, at most 20 hops.
 * @param callback - the relying party's redirect URI: the walk ends at the first redirect to it
 * @returns the full callback URL the IdP redirected to
 * @throws when a hop answers unexpectedly or the IdP refuses the credentials
 */
export async function signInAtProvider(authorizationUrl: URL, user: { login: string; password: string }, callback: string): Promise<URL> {
  const jar = new CookieJar();
  let url = authorizationUrl;
  let form: string | undefined;
  let submitted = false;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const headers: Record<string, string> = { accept: 'text/html' };
    const cookie = jar.header(url, { method: form === undefined ? 'GET' : 'POST' });
    if (cookie !== '') headers.cookie = cookie;
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await httpRequest(url, { method: form === undefined ? 'GET' : 'POST', headers, ...(form !== undefined && { body: form }) });
    jar.store(url, response.setCookies);
    form = undefined;
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location !== undefined) {
      const next = new URL(location, url);
      if (next.href.startsWith(`${callback}?`)) return next;
      url = next;
      continue;
    }
    const action = /<form\b[^>]*\baction="([^"]*)"/i.exec(response.body)?.[1];
    if (submitted && /name="password"/.test(response.body)) throw new Error(`the IdP refused the credentials of ${user.login}`);
    if (response.status !== 200 || action === undefined || !/name="password"/.test(response.body)) {
      throw new Error(`unexpected ${response.status} from ${url.href}: ${response.body.replace(/\s+/g, ' ').slice(0, 300)}`);
    }
    form = new URLSearchParams({ login: user.login, password: user.password }).toString();
    submitted = true;
    url = new URL(unescapeHtml(action), url);
  }
  throw new Error(`the IdP did not send the browser to ${callback} within ${MAX_HOPS} hops`);
}

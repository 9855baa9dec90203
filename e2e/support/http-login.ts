import { CookieJar } from './cookie-jar.ts';
import { unescapeHtml } from './escape-html.ts';
import { httpRequest } from './http-client.ts';
import type { HttpResponse } from './http-client.ts';

const MAX_HOPS = 20;
const CALLBACK_PATH = '/oauth2/callback';

/** Options of {@link signInOverHttp}. */
export interface HttpSignInOptions {
  login: string;
  password: string;
  /** The `rd` given to `/oauth2/start`; default `/`. */
  rd?: string;
  /** Reuse a jar, e.g. to sign in again while the IdP session still exists. */
  jar?: CookieJar;
  /** The provider id given to `/oauth2/start` (`provider=`), when the deployment has several. */
  provider?: string;
}

/** Outcome of {@link signInOverHttp}. */
export interface HttpSignInResult {
  /** The Cookie header to send to the app host from now on. */
  cookieHeader: string;
  /** The callback's Location resolved against the callback URL. */
  finalUrl: string;
  /** The callback's Location header as sent. */
  location: string;
  jar: CookieJar;
}

/**
 * Signs in through the ingress without a browser: `/oauth2/start?rd=…` → IdP authorize → the
 * IdP's login form → back to `/oauth2/callback`, whose redirect ends the walk. Redirects are
 * followed by hand with a per-host cookie jar, at most 20 hops.
 *
 * @param baseUrl - the app's origin through nginx, e.g. `http://localhost:8080`.
 * @throws when a hop answers unexpectedly or the IdP rejects the credentials.
 */
export async function signInOverHttp(baseUrl: string, options: HttpSignInOptions): Promise<HttpSignInResult> {
  const jar = options.jar ?? new CookieJar();
  const appUrl = new URL(baseUrl);
  const chosen = options.provider === undefined ? '' : `&provider=${encodeURIComponent(options.provider)}`;
  const start = new URL(`/oauth2/start?rd=${encodeURIComponent(options.rd ?? '/')}${chosen}`, appUrl);
  const walker = new RedirectWalker(jar);

  let response = await walker.send(start, 'GET', undefined, undefined);
  let submitted = false;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const { url, status } = response;
    if (url.host === appUrl.host && url.pathname === CALLBACK_PATH) {
      const location = response.headers.location;
      if (status < 300 || status > 399 || location === undefined) {
        throw new Error(`callback answered ${status} without a redirect: ${snippet(response)}`);
      }
      return { cookieHeader: jar.header(appUrl), finalUrl: new URL(location, url).href, location, jar };
    }
    const location = response.headers.location;
    if (status >= 300 && status <= 399 && location !== undefined) {
      response = await walker.send(new URL(location, url), 'GET', undefined, url);
      continue;
    }
    if (status === 401 && submitted) throw new Error(`the IdP rejected the credentials of ${options.login}`);
    const action = loginFormAction(response.body);
    if (status !== 200 || action === undefined || submitted) {
      throw new Error(`unexpected ${status} from ${url.href}: ${snippet(response)}`);
    }
    submitted = true;
    const form = new URLSearchParams({ login: options.login, password: options.password }).toString();
    response = await walker.send(new URL(action, url), 'POST', form, url);
  }
  throw new Error(`sign-in did not reach ${CALLBACK_PATH} within ${MAX_HOPS} hops`);
}

/** Sends requests the way a browser navigation would, including SameSite's cross-site rule. */
class RedirectWalker {
  readonly #jar: CookieJar;
  #chainHosts = new Set<string>();

  constructor(jar: CookieJar) {
    this.#jar = jar;
  }

  async send(url: URL, method: string, form: string | undefined, from: URL | undefined): Promise<HttpResponse> {
    // A form post starts a new navigation; a redirect continues the current chain.
    if (from === undefined || form !== undefined) this.#chainHosts = new Set(from === undefined ? [] : [from.hostname]);
    else this.#chainHosts.add(from.hostname);
    const crossSite = [...this.#chainHosts].some((h) => h !== url.hostname);
    const headers: Record<string, string> = { accept: 'text/html,application/xhtml+xml' };
    const cookie = this.#jar.header(url, { method, crossSite });
    if (cookie !== '') headers['cookie'] = cookie;
    if (form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await httpRequest(url, { method, headers, ...(form === undefined ? {} : { body: form }) });
    this.#jar.store(url, response.setCookies);
    return response;
  }
}

function loginFormAction(html: string): string | undefined {
  if (!/name="password"/.test(html)) return undefined;
  const match = /<form\b[^>]*\baction="([^"]*)"/i.exec(html);
  return match?.[1] === undefined ? undefined : unescapeHtml(match[1]);
}

function snippet(response: HttpResponse): string {
  return response.body.replace(/\s+/g, ' ').slice(0, 300);
}

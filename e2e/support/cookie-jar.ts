interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expiresAt: number;
  sameSite: 'strict' | 'lax' | 'none';
}

/** How a request is made, for the SameSite rules. */
export interface CookieRequestContext {
  method?: string;
  /** True when the request (or the redirect chain leading to it) comes from another site. */
  crossSite?: boolean;
}

/**
 * A small browser-like cookie store for tests that talk HTTP without a browser.
 *
 * As in a browser, cookies belong to a host name (not a port), so the IdP on 127.0.0.1 and
 * the app on localhost never see each other's cookies. Path, Max-Age/Expires and SameSite are
 * honoured; Domain is ignored (host-only cookies) and Secure is ignored because Chromium treats
 * loopback hosts as secure contexts.
 */
export class CookieJar {
  readonly #hosts = new Map<string, Map<string, StoredCookie>>();

  /** Records the `Set-Cookie` headers of a response to `url`. */
  store(url: URL, setCookieHeaders: readonly string[]): void {
    const cookies = this.#hosts.get(url.hostname) ?? new Map<string, StoredCookie>();
    this.#hosts.set(url.hostname, cookies);
    for (const header of setCookieHeaders) {
      const cookie = parseSetCookie(header, url);
      if (cookie === undefined) continue;
      const key = `${cookie.name}\u0000${cookie.path}`;
      if (cookie.expiresAt <= Date.now()) cookies.delete(key);
      else cookies.set(key, cookie);
    }
  }

  /** The `Cookie` header a browser would send to `url` ('' when there is none). */
  header(url: URL, context: CookieRequestContext = {}): string {
    const now = Date.now();
    const method = (context.method ?? 'GET').toUpperCase();
    const matching = [...(this.#hosts.get(url.hostname)?.values() ?? [])].filter((c) => {
      if (c.expiresAt <= now || !pathMatches(url.pathname, c.path)) return false;
      if (context.crossSite !== true) return true;
      if (c.sameSite === 'strict') return false;
      return c.sameSite === 'none' || method === 'GET' || method === 'HEAD';
    });
    // Longer paths first, as RFC 6265 §5.4 asks.
    matching.sort((a, b) => b.path.length - a.path.length);
    return matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  /** Every live cookie stored for a host name, as name → value. */
  cookiesFor(hostname: string): Map<string, string> {
    const now = Date.now();
    const out = new Map<string, string>();
    for (const c of this.#hosts.get(hostname)?.values() ?? []) if (c.expiresAt > now) out.set(c.name, c.value);
    return out;
  }
}

function parseSetCookie(header: string, url: URL): StoredCookie | undefined {
  const [pair = '', ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const cookie: StoredCookie = {
    name: pair.slice(0, eq).trim(),
    value: pair.slice(eq + 1).trim(),
    path: defaultPath(url.pathname),
    expiresAt: Infinity,
    // Chromium's default when SameSite is absent.
    sameSite: 'lax',
  };
  let maxAgeSeen = false;
  for (const attribute of attributes) {
    const [rawName = '', ...rest] = attribute.split('=');
    const name = rawName.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (name === 'path' && value.startsWith('/')) cookie.path = value;
    if (name === 'max-age' && /^-?\d+$/.test(value)) {
      maxAgeSeen = true;
      cookie.expiresAt = Date.now() + Number(value) * 1000;
    }
    if (name === 'expires' && !maxAgeSeen) {
      const time = Date.parse(value);
      if (!Number.isNaN(time)) cookie.expiresAt = time;
    }
    if (name === 'samesite') {
      const mode = value.toLowerCase();
      if (mode === 'strict' || mode === 'lax' || mode === 'none') cookie.sameSite = mode;
    }
  }
  return cookie;
}

function defaultPath(requestPath: string): string {
  const slash = requestPath.lastIndexOf('/');
  return slash <= 0 ? '/' : requestPath.slice(0, slash);
}

function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

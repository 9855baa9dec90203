/** Reading and writing cookies by hand: the hot path needs one cookie, not a parsed jar. */

/** Attributes gatehouse sets on its cookies. */
export interface CookieOptions {
  readonly domain: string | undefined;
  readonly secure: boolean;
  /** Seconds; 0 deletes the cookie. Omitted means a browser-session cookie. */
  readonly maxAgeSeconds?: number;
}

/**
 * Every value of cookie `name` in a Cookie header, in order. Duplicates happen when a parent
 * domain sets the same name, so callers try each one.
 */
export function readCookies(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const found: string[] = [];
  let start = 0;
  while (start < header.length) {
    let end = header.indexOf(';', start);
    if (end === -1) end = header.length;
    const eq = header.indexOf('=', start);
    if (eq !== -1 && eq < end && header.slice(start, eq).trim() === name) {
      found.push(header.slice(eq + 1, end).trim());
    }
    start = end + 1;
  }
  return found;
}

/** Every cookie in a Cookie header whose name starts with `prefix`, as name and value, in order. */
export function readCookiesStartingWith(header: string | undefined, prefix: string): Array<{ readonly name: string; readonly value: string }> {
  if (!header) return [];
  const found: Array<{ name: string; value: string }> = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const name = pair.slice(0, eq).trim();
    if (name.startsWith(prefix)) found.push({ name, value: pair.slice(eq + 1).trim() });
  }
  return found;
}

/** A Set-Cookie value: always Path=/, HttpOnly and SameSite=Lax. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  let cookie = `${name}=${value}; Path=/; HttpOnly; SameSite=Lax`;
  if (options.maxAgeSeconds !== undefined) cookie += `; Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`;
  if (options.domain) cookie += `; Domain=${options.domain}`;
  if (options.secure) cookie += '; Secure';
  return cookie;
}

/** A Set-Cookie value that deletes the cookie. */
export function clearCookie(name: string, options: CookieOptions): string {
  return serializeCookie(name, '', { ...options, maxAgeSeconds: 0 });
}

/**
 * Validation of the `rd` return address. Anything not clearly safe falls back to "/": an open
 * redirect after sign-in would hand an attacker a trusted-looking link.
 */

/** Where an unsafe or missing rd lands. */
export const FALLBACK_REDIRECT = '/';

const MAX_LENGTH = 4096;
// Whitespace and control characters: browsers strip some of them (tab, newline) before parsing,
// which turns "/\t/evil.example" into "//evil.example".
const UNSAFE_CHARS = /[\s\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/;
const SLASH_TRICK = /[/\\](?:[\s\v]*|\.{1,2})[/\\]/;
const DOT_SEGMENT = /(^|\/)\.{1,2}(\/|$)/;
const OWN_PREFIX = /^\/oauth2(\/|$)/i;
const BASE = 'http://rd.invalid';

function isUnsafePath(pathname: string): boolean {
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return true;
  }
  return (
    OWN_PREFIX.test(pathname) ||
    OWN_PREFIX.test(decoded) ||
    DOT_SEGMENT.test(decoded) ||
    SLASH_TRICK.test(decoded) ||
    decoded.includes('\\')
  );
}

/** True when `host` is listed, or a listed `.domain` covers it (the domain itself and its subdomains). */
export function isAllowedHost(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowed.some((entry) =>
    entry.startsWith('.') ? h === entry.slice(1) || h.endsWith(entry) : h === entry,
  );
}

function safeRelative(rd: string): boolean {
  if (!rd.startsWith('/') || rd.startsWith('//') || rd.startsWith('/\\')) return false;
  if (SLASH_TRICK.test(rd) || rd.includes('\\')) return false;
  let url: URL;
  try {
    url = new URL(rd, BASE);
  } catch {
    return false;
  }
  if (url.origin !== BASE) return false;
  const rawPath = rd.split(/[?#]/, 1)[0] ?? '';
  return !isUnsafePath(rawPath) && !isUnsafePath(url.pathname);
}

function safeAbsolute(rd: string, allowedDomains: readonly string[]): boolean {
  if (!/^https?:\/\//i.test(rd) || rd.includes('\\')) return false;
  let url: URL;
  try {
    url = new URL(rd);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (url.username || url.password) return false;
  if (!isAllowedHost(url.hostname, allowedDomains)) return false;
  const afterAuthority = rd.slice(rd.indexOf('//') + 2);
  const slash = afterAuthority.search(/[/?#]/);
  const rawPath = slash === -1 ? '' : afterAuthority.slice(slash).split(/[?#]/, 1)[0] ?? '';
  if (SLASH_TRICK.test(rawPath)) return false;
  return !isUnsafePath(rawPath) && !isUnsafePath(url.pathname);
}

/**
 * Returns `rd` when it is a safe place to send the user after sign-in or sign-out, otherwise "/".
 * A relative rd must start with exactly one "/" and hold no "//", "/\", whitespace or dot
 * segments; an absolute one must be http(s) with an allowed host. Neither may point under /oauth2/.
 * @param rd - the decoded query value (the first one when repeated)
 * @param allowedDomains - GATEHOUSE_ALLOWED_REDIRECT_DOMAINS
 */
export function validateRedirect(rd: unknown, allowedDomains: readonly string[]): string {
  if (typeof rd !== 'string' || rd.length === 0 || rd.length > MAX_LENGTH) return FALLBACK_REDIRECT;
  if (UNSAFE_CHARS.test(rd)) return FALLBACK_REDIRECT;
  if (rd.startsWith('/')) return safeRelative(rd) ? rd : FALLBACK_REDIRECT;
  return safeAbsolute(rd, allowedDomains) ? rd : FALLBACK_REDIRECT;
}

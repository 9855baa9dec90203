/**
 * The path nginx routes on, recomputed from the raw request URI that ingress-nginx forwards in
 * X-Original-URL. It mirrors ngx_http_parse_complex_uri with merge_slashes on (the default):
 * - every %XX is decoded, and a decoded "/" or "." takes part in the steps below, so
 *   "/x/..%2fadmin" and "/x/%2e%2e/admin" both become "/admin";
 * - a decoded "%", "?" or "#" stays a literal character (no double decoding, no early query);
 * - "//" merges, "." segments drop, ".." removes the previous segment;
 * - the raw "?" starts the arguments and the raw "#" ends the path;
 * - ".." above the root is an error (nginx answers 400), never a silent "/";
 * - ";" is an ordinary character, as it is for nginx, so "/admin;x" stays "/admin;x".
 * It is stricter than nginx in three places, each so that a policy never rules on a path the
 * upstream might read differently: a decoded control character, bytes that are not UTF-8, and a
 * "." or ".." segment followed by ";" (which servlet containers treat as a dot segment) are errors.
 */

/** The outcome: the routed path, or why none can be given. */
export type NginxPath = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly problem: string };

const MAX_PATH = 16384;
const decoder = new TextDecoder('utf-8', { fatal: true });

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function percentDecode(raw: string): Uint8Array | string {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (code === 0x3f || code === 0x23) break;
    if (code <= 0x20 || code === 0x7f || code > 0xff) return 'contains a raw control, space or non-byte character';
    if (code !== 0x25) {
      bytes.push(code);
      continue;
    }
    const high = hexValue(raw.charCodeAt(i + 1));
    const low = hexValue(raw.charCodeAt(i + 2));
    if (high < 0 || low < 0) return 'has a malformed percent-escape';
    const decoded = high * 16 + low;
    if (decoded < 0x20 || decoded === 0x7f) return 'decodes to a control character';
    bytes.push(decoded);
    i += 2;
  }
  return Uint8Array.from(bytes);
}

/**
 * Normalises a raw request URI (path, optionally with "?query" and "#fragment").
 * @param raw must start with "/"
 */
export function nginxPath(raw: string): NginxPath {
  if (raw.length > MAX_PATH) return { ok: false, problem: 'path longer than 16384 characters' };
  if (!raw.startsWith('/')) return { ok: false, problem: 'path does not start with "/"' };
  const bytes = percentDecode(raw);
  if (typeof bytes === 'string') return { ok: false, problem: `path ${bytes}` };
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return { ok: false, problem: 'path does not decode to UTF-8' };
  }
  const kept: string[] = [];
  let trailingSlash = false;
  for (const segment of text.split('/').slice(1)) {
    if (/^\.{1,2};/.test(segment)) return { ok: false, problem: 'path has a dot segment with ";" parameters' };
    if (segment === '' || segment === '.') {
      trailingSlash = true;
    } else if (segment === '..') {
      if (kept.pop() === undefined) return { ok: false, problem: 'path climbs above "/"' };
      trailingSlash = true;
    } else {
      kept.push(segment);
      trailingSlash = false;
    }
  }
  if (kept.length === 0) return { ok: true, path: '/' };
  return { ok: true, path: `/${kept.join('/')}${trailingSlash ? '/' : ''}` };
}

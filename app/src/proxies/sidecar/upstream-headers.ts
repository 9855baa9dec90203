/**
 * The headers the app sees, and the ones the client sees back. Toward the app: hop-by-hop headers
 * go (RFC 9110 §7.6.1: Connection and every header it names, Keep-Alive, Proxy-Connection, TE,
 * Transfer-Encoding, Upgrade, Proxy-Authenticate, Proxy-Authorization, Trailer); so does every
 * client copy of a header gatehouse vouches for (all of X-Auth-Request-*, the configured claim
 * headers, the backends' headers, Authorization where gatehouse sets it) and of the trusted-proxy
 * and trusted-header secrets and of X-Gatehouse-Assertion; gatehouse's own cookies are cut out of
 * Cookie; X-Forwarded-For, -Proto and -Host and X-Request-ID are set; the identity headers are
 * added last. Toward the client: the app's hop-by-hop headers go.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { ASSERTION_HEADER } from '../../assertion/assertion-header.ts';
import { TRUSTED_AUTH_HEADER_NAMES } from '../../backends/eventstore/trusted-header.ts';
import type { Config } from '../../config/config.ts';
import type { IdentityConfig } from '../../identity/identity-config.ts';
import type { SidecarOriginal } from './sidecar-request.ts';

/** The request headers for the app, as a flat name/value list. */
export type UpstreamHeaders = (req: IncomingMessage, original: SidecarOriginal, identity: readonly string[], requestId: string) => string[];

/** RFC 9110 §7.6.1, and Proxy-Connection, which old clients still send. */
const HOP_BY_HOP: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'proxy-authenticate', 'proxy-authorization', 'trailer']);

/**
 * Always replaced: the forwarding headers and the request id are set below; Expect was answered
 * by Node itself (100 Continue) and undici refuses to send it.
 */
const REPLACED: readonly string[] = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-request-id', 'expect'];

/** Other descriptions of an original request that apps and frameworks believe; from a client, they are spoofs. */
const PROXY_DESCRIPTIONS: readonly string[] = ['forwarded', 'x-real-ip', 'x-forwarded-port', 'x-forwarded-prefix', 'x-forwarded-uri', 'x-forwarded-method', 'x-original-url', 'x-original-method'];

/** gatehouse's header namespace: identity, roles, claims, tokens, the identity source. */
const OWN_PREFIX = 'x-auth-request-';

/** The headers an identity config makes gatehouse vouch for beyond its namespace. */
function claimHeaderNames(identity: Pick<IdentityConfig, 'headers'>): Set<string> {
  const { headers } = identity;
  const names = headers.format === 'combined' ? [headers.combinedHeader] : headers.claims.map((claim) => claim.name);
  return new Set(names.map((name) => name.toLowerCase()));
}

/** The Cookie header without gatehouse's session and sign-in cookies; undefined when nothing is left. */
function withoutOwnCookies(header: string, name: string): string | undefined {
  if (!header.includes(name)) return header;
  const login = `${name}_login_`;
  // One pass with indexOf: every signed-in request carries the session cookie, so this is hot.
  let kept = '';
  for (let start = 0; start < header.length; ) {
    let end = header.indexOf(';', start);
    if (end === -1) end = header.length;
    const pair = header.slice(start, end).trim();
    start = end + 1;
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const cookie = (eq === -1 ? pair : pair.slice(0, eq)).trim();
    if (cookie === name || cookie.startsWith(login)) continue;
    kept = kept === '' ? pair : `${kept}; ${pair}`;
  }
  return kept === '' ? undefined : kept;
}

/** Whether a flat name/value list names Authorization (names sit at even indexes). */
function setsAuthorizationIn(headers: readonly string[]): boolean {
  for (let i = 0; i < headers.length; i += 2) if ((headers[i] as string).toLowerCase() === 'authorization') return true;
  return false;
}

/**
 * The answer of setsAuthorizationIn for the identity lists the check builds once per session and
 * freezes: asked per request, it would lower-case every identity header name every time.
 */
const authorizationInFrozen = new WeakMap<readonly string[], boolean>();

function setsAuthorizationInIdentity(headers: readonly string[]): boolean {
  if (!Object.isFrozen(headers)) return setsAuthorizationIn(headers);
  let sets = authorizationInFrozen.get(headers);
  if (sets === undefined) authorizationInFrozen.set(headers, (sets = setsAuthorizationIn(headers)));
  return sets;
}

/** The header names listed in Connection, which are hop-by-hop for this request only. */
function connectionOptions(value: string | undefined): Set<string> | undefined {
  // What nearly every client and app sends names no other header.
  if (value === undefined || value === 'keep-alive' || value === 'close' || value === 'Keep-Alive' || value === 'Close') return undefined;
  const names = value.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '' && name !== 'close' && name !== 'keep-alive');
  return names.length === 0 ? undefined : new Set(names);
}

/** What a request header is to the builder, by its name alone. */
const PASS = 0;
const DROP = 1;
/** Dropped unless the peer is a trusted proxy (its descriptions of the original request). */
const DROP_UNTRUSTED = 2;
const AUTHORIZATION = 3;
const COOKIE = 4;
type HeaderKind = typeof PASS | typeof DROP | typeof DROP_UNTRUSTED | typeof AUTHORIZATION | typeof COOKIE;

/** Names remembered per identity config: clients send a few dozen; beyond this bound names are classified each time. */
const MAX_REMEMBERED_NAMES = 256;

/** Creates the request header builder once per config; the identity config in force is read per request. */
export function createUpstreamHeaders(
  config: Partial<Pick<Config, 'clientCertificates'>> & Pick<Config, 'proxies' | 'trustedHeaders' | 'upstreamHeaders' | 'cookie'>,
  currentIdentity: () => Pick<IdentityConfig, 'headers'>,
): UpstreamHeaders {
  const always = new Set([...HOP_BY_HOP, ...REPLACED, ASSERTION_HEADER.toLowerCase(), ...TRUSTED_AUTH_HEADER_NAMES.map((name) => name.toLowerCase())]);
  // Secrets meant for gatehouse alone never reach the app.
  if (config.proxies.trust.secret) always.add(config.proxies.trust.secret.header.toLowerCase());
  if (config.trustedHeaders?.secret) always.add(config.trustedHeaders.secret.header.toLowerCase());
  if (config.clientCertificates?.trust.secret) always.add(config.clientCertificates.trust.secret.header.toLowerCase());
  const untrusted = new Set(PROXY_DESCRIPTIONS.filter((name) => !always.has(name)));
  const setsAuthorization = config.upstreamHeaders.authorization !== 'none';
  const cookieName = config.cookie.name;
  let claimsFor: Pick<IdentityConfig, 'headers'> | undefined;
  let claims = new Set<string>();
  // Header names as sent ("Host", "cookie", "X-Auth-Request-User") to their kind: the same few
  // names arrive with every request, so each is lower-cased and looked up once, not per request.
  const kinds = new Map<string, HeaderKind>();

  const classify = (name: string): HeaderKind => {
    const lower = name.toLowerCase();
    if (always.has(lower) || lower.startsWith(OWN_PREFIX) || claims.has(lower)) return DROP;
    if (untrusted.has(lower)) return DROP_UNTRUSTED;
    if (lower === 'authorization') return AUTHORIZATION;
    return lower === 'cookie' ? COOKIE : PASS;
  };

  return (req, original, identity, requestId) => {
    const current = currentIdentity();
    if (current !== claimsFor) {
      claimsFor = current;
      claims = claimHeaderNames(current);
      kinds.clear();
    }
    const { trusted } = original;
    const named = connectionOptions(req.headers.connection);
    // gatehouse's Authorization replaces the client's; otherwise the client's (a Bearer token the
    // app may need) passes.
    const dropAuthorization = setsAuthorization || setsAuthorizationInIdentity(identity);
    const raw = req.rawHeaders;
    const out: string[] = [];
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] as string;
      let kind = kinds.get(name);
      if (kind === undefined) {
        kind = classify(name);
        if (kinds.size < MAX_REMEMBERED_NAMES) kinds.set(name, kind);
      }
      if (kind === DROP || (kind === DROP_UNTRUSTED && !trusted) || (kind === AUTHORIZATION && dropAuthorization)) continue;
      if (named !== undefined && named.has(name.toLowerCase())) continue;
      if (kind === COOKIE) {
        const kept = withoutOwnCookies(raw[i + 1] as string, cookieName);
        if (kept !== undefined) out.push(name, kept);
        continue;
      }
      out.push(name, raw[i + 1] as string);
    }
    const prior = trusted ? req.headers['x-forwarded-for'] : undefined;
    out.push(
      'X-Forwarded-For', prior ? `${prior}, ${original.peer}` : original.peer,
      'X-Forwarded-Proto', original.scheme,
      'X-Forwarded-Host', original.host,
      'X-Request-ID', requestId,
    );
    for (let i = 0; i < identity.length; i++) out.push(identity[i] as string);
    return out;
  };
}

/** The app's response headers without its hop-by-hop ones, as the flat name/value list writeHead takes fastest. */
export function clientHeaders(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): string[] {
  const named = connectionOptions(typeof headers.connection === 'string' ? headers.connection : undefined);
  const out: string[] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || named?.has(name)) continue;
    if (typeof value === 'string') out.push(name, value);
    else for (const one of value) out.push(name, one);
  }
  return out;
}

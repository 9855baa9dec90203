/**
 * Traefik's ForwardAuth middleware behind a Traefik entry point, replayed. Sources, all in
 * traefik/traefik (v3):
 * - pkg/middlewares/forwardedheaders/forwarded_header.go: an entry point that does not trust the
 *   client (no forwardedHeaders.insecure, client not in trustedIPs) deletes the client's
 *   X-Forwarded-Proto/-For/-Host/-Port/-Server/-Uri/-Method/-Tls-Client-Cert(-Info) and X-Real-Ip,
 *   then sets X-Real-Ip, X-Forwarded-Proto, -Port, -Host and -Server (the pod's host name);
 * - pkg/middlewares/auth/forward.go (writeHeader, ServeHTTP): a GET to `address` exactly as written,
 *   no body (forwardBody false); every client header copied except those named in Connection and
 *   the hop-by-hop Connection, Keep-Alive, Te, Trailers, Transfer-Encoding, Upgrade; only
 *   authRequestHeaders when set; then X-Forwarded-For = the client address and X-Forwarded-Method,
 *   -Proto, -Host, -Uri set from the request itself (the client's copies only with
 *   trustForwardHeader); a 2xx lets the request through with each authResponseHeaders (and
 *   authResponseHeadersRegex) header deleted from the request and set from the answer when there;
 *   any other status goes to the client with the answer's headers (hop-by-hop removed, Location
 *   resolved against `address`) and body;
 * - Go's net/http client (request.go Request.write, transport.go): Host from `address`, then
 *   User-Agent (the client's, else Go-http-client/1.1), then the headers in sorted order, one line
 *   per value, then Accept-Encoding: gzip when the request has none.
 */
import type { ClientRequest, ClientView, Replay, ReplayProxy } from './client-request.ts';
import { sendRaw, type RawHeader, type RawRequest } from './raw-http.ts';

/** Middleware spec.forwardAuth (the fields that shape the exchange). */
export interface TraefikForwardAuth {
  readonly address: string;
  readonly trustForwardHeader?: boolean;
  readonly authRequestHeaders?: readonly string[];
  readonly authResponseHeaders?: readonly string[];
  readonly authResponseHeadersRegex?: string;
}

/** The entry point's forwardedHeaders and the pod's host name. */
export interface TraefikEntryPoint {
  readonly trustedIPs?: readonly string[];
  readonly hostname?: string;
}

type GoHeader = Map<string, string[]>;

/** A middleware of the router's chain before forwardAuth, changing the request's headers (Go's canonical keys). */
export type TraefikMiddleware = (headers: GoHeader, request: ClientRequest) => void;

/** Go's textproto.CanonicalMIMEHeaderKey for token names: "x-forwarded-uri" → "X-Forwarded-Uri". */
export function canonical(name: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

const X_HEADERS = ['X-Forwarded-Proto', 'X-Forwarded-For', 'X-Forwarded-Host', 'X-Forwarded-Port', 'X-Forwarded-Server', 'X-Forwarded-Uri', 'X-Forwarded-Method', 'X-Forwarded-Tls-Client-Cert', 'X-Forwarded-Tls-Client-Cert-Info', 'X-Real-Ip'];
const HOP_HEADERS = ['Connection', 'Keep-Alive', 'Te', 'Trailers', 'Transfer-Encoding', 'Upgrade'];

const first = (h: GoHeader, key: string): string => h.get(key)?.[0] ?? '';

/** The request as the entry point hands it to the middlewares. */
function entryPoint(request: ClientRequest, ep: TraefikEntryPoint): GoHeader {
  const h: GoHeader = new Map();
  for (const [name, value] of request.headers) h.set(canonical(name), [...(h.get(canonical(name)) ?? []), value]);
  if (!(ep.trustedIPs ?? []).includes(request.clientIp)) for (const key of X_HEADERS) h.delete(key);
  if (first(h, 'X-Real-Ip') === '') h.set('X-Real-Ip', [request.clientIp]);
  if (first(h, 'X-Forwarded-Proto') === '') h.set('X-Forwarded-Proto', [request.scheme]);
  const port = /:(\d+)$/.exec(request.host)?.[1] ?? (first(h, 'X-Forwarded-Proto') === 'https' || request.scheme === 'https' ? '443' : '80');
  if (first(h, 'X-Forwarded-Port') === '') h.set('X-Forwarded-Port', [port]);
  if (first(h, 'X-Forwarded-Host') === '') h.set('X-Forwarded-Host', [request.host]);
  const xff = h.get('X-Forwarded-For');
  if (xff && xff.length > 0) h.set('X-Forwarded-For', [xff.join(', ')]);
  h.set('X-Forwarded-Server', [ep.hostname ?? 'traefik-7d9f8b6c5-x2x7q']);
  return h;
}

/** forward.go writeHeader: the auth request's headers. */
function authRequestHeaders(request: ClientRequest, h: GoHeader, fa: TraefikForwardAuth): GoHeader {
  const trust = fa.trustForwardHeader === true;
  let out: GoHeader = new Map([...h].map(([k, v]) => [k, [...v]]));
  for (const value of out.get('Connection') ?? []) for (const name of value.split(',')) out.delete(canonical(name.trim()));
  for (const key of HOP_HEADERS) out.delete(key);
  if (fa.authRequestHeaders && fa.authRequestHeaders.length > 0) {
    out = new Map(fa.authRequestHeaders.filter((n) => out.has(canonical(n))).map((n) => [canonical(n), out.get(canonical(n)) ?? []]));
  }
  const prior = h.get('X-Forwarded-For');
  out.set('X-Forwarded-For', [trust && prior ? `${prior.join(', ')}, ${request.clientIp}` : request.clientIp]);
  const keepOr = (key: string, own: string): void => void out.set(key, [trust && first(h, key) !== '' ? first(h, key) : own]);
  keepOr('X-Forwarded-Method', request.method);
  keepOr('X-Forwarded-Proto', request.scheme);
  if (trust && first(h, 'X-Forwarded-Port') !== '') out.set('X-Forwarded-Port', [first(h, 'X-Forwarded-Port')]);
  keepOr('X-Forwarded-Host', request.host);
  keepOr('X-Forwarded-Uri', request.uri);
  return out;
}

/** Go's client on the wire: Host, User-Agent, sorted headers, then Accept-Encoding: gzip when absent. */
function goRequest(address: URL, h: GoHeader): RawRequest {
  const headers: RawHeader[] = [['Host', address.host], ['User-Agent', first(h, 'User-Agent') || 'Go-http-client/1.1']];
  for (const key of [...h.keys()].sort()) {
    if (['Host', 'User-Agent', 'Content-Length', 'Transfer-Encoding', 'Trailer'].includes(key)) continue;
    for (const value of h.get(key) ?? []) headers.push([key, value]);
  }
  if (first(h, 'Accept-Encoding') === '' && first(h, 'Range') === '') headers.push(['Accept-Encoding', 'gzip']);
  return { method: 'GET', target: `${address.pathname}${address.search}`, headers };
}

/** The client's answer on a non-2xx: the answer's headers minus hop-by-hop, Location resolved. */
function denial(address: URL, status: number, answer: readonly RawHeader[], body: string): ClientView {
  const headers: RawHeader[] = [];
  for (const [name, value] of answer) {
    const key = canonical(name);
    if (HOP_HEADERS.includes(key) || key === 'Content-Length') continue;
    headers.push([key, key === 'Location' ? new URL(value, address).href : value]);
  }
  return { status, headers: [...headers, ['Content-Length', String(Buffer.byteLength(body))]], body };
}

/** Traefik with `forwardAuth` on an entry point configured as `ep` (the router's middlewares `before` it first), gatehouse listening where `address` says. */
export function traefik(forwardAuth: TraefikForwardAuth, ep: TraefikEntryPoint = {}, before: readonly TraefikMiddleware[] = []): ReplayProxy {
  const address = new URL(forwardAuth.address);
  const regex = forwardAuth.authResponseHeadersRegex ? new RegExp(forwardAuth.authResponseHeadersRegex) : undefined;
  return async (request): Promise<Replay> => {
    const incoming = entryPoint(request, ep);
    for (const middleware of before) middleware(incoming, request);
    const check = goRequest(address, authRequestHeaders(request, incoming, forwardAuth));
    const auth = await sendRaw(Number(address.port), check, 30_000);
    if (auth.status < 200 || auth.status >= 300) return { check, auth, client: denial(address, auth.status, auth.headers, auth.body), upstream: undefined };
    const answer: GoHeader = new Map();
    for (const [name, value] of auth.headers) answer.set(canonical(name), [...(answer.get(canonical(name)) ?? []), value]);
    for (const name of forwardAuth.authResponseHeaders ?? []) {
      const key = canonical(name);
      incoming.delete(key);
      if (answer.has(key)) incoming.set(key, [...(answer.get(key) ?? [])]);
    }
    if (regex) {
      for (const key of [...incoming.keys()]) if (regex.test(key)) incoming.delete(key);
      for (const [key, values] of answer) if (regex.test(key)) incoming.set(key, [...values]);
    }
    const headers = [...incoming].flatMap(([key, values]) => values.map((v): RawHeader => [key, v]));
    return { check, auth, client: undefined, upstream: { method: request.method, uri: request.uri, headers } };
  };
}

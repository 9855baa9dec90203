/**
 * Envoy's HTTP ext_authz filter, replayed: the check request it sends for a client request and
 * what it does with the answer. Envoy Gateway, Istio and the Gateway API ExternalAuth filter all
 * configure this one filter (see envoy-family.ts). Sources, all in envoyproxy/envoy:
 * - source/extensions/filters/common/ext_authz/ext_authz_http_impl.cc (RawHttpClientImpl::check,
 *   ClientConfig::toRequestMatchers/toClientMatchers, toResponse): Content-Length 0; only the
 *   allowed headers plus authorization, :method, :path and :authority are copied from the
 *   downstream request; :path becomes path_prefix + the original path and query; 200 is the only
 *   allow, any 5xx is an error, everything else a denial carrying status, body and the allowed
 *   client headers (all but Host when none are listed, else the list plus :status, content-length,
 *   www-authenticate and location); x-envoy-auth-headers-to-remove on a 200 removes request headers;
 * - source/common/http/async_client_impl.cc (AsyncStreamImpl::sendHeaders, send_internal and
 *   send_xff default true): x-envoy-internal: true, and Envoy's own address appended to
 *   x-forwarded-for (envoyproxy/envoy#21519, open);
 * - source/common/router/router.cc (FilterUtility::finalTimeout; the async client's router does
 *   not suppress Envoy headers): x-envoy-expected-rq-timeout-ms with the service timeout;
 * - source/common/http/conn_manager_utility.cc (mutateRequestHeaders, use_remote_address true as
 *   Envoy Gateway and Istio gateways set it): the downstream x-forwarded-proto is the connection's
 *   scheme, the client address is appended to x-forwarded-for, x-request-id is new for an
 *   external request, x-envoy-external-address is the client address.
 * The check request carries no body (no with_request_body in any of the three configurations).
 */
import { randomUUID } from 'node:crypto';
import type { ClientRequest, ClientView, Replay, UpstreamView } from './client-request.ts';
import { headerOf, sendRaw, type RawHeader, type RawRequest } from './raw-http.ts';

/** The ext_authz filter settings that shape the exchange. */
export interface EnvoyExtAuthzConfig {
  /** gatehouse's port on 127.0.0.1 (the ext_authz cluster). */
  readonly port: number;
  /** http_service.path_prefix. */
  readonly pathPrefix: string;
  /** allowed_headers: exact, case-sensitive names of downstream headers copied into the check. */
  readonly allowedHeaders: readonly string[];
  /** authorization_request.headers_to_add: set on the check request. */
  readonly headersToAdd?: Readonly<Record<string, string>>;
  /** allowed_upstream_headers: answer headers set on the upstream request on allow; 'all-but-host' copies every one. */
  readonly allowedUpstreamHeaders: readonly string[] | 'all-but-host';
  /** allowed_client_headers: answer headers handed to the client on a denial; empty = all but Host. */
  readonly allowedClientHeaders: readonly string[];
  /** http_service.server_uri.timeout. */
  readonly timeoutMs: number;
  /** status_on_error: the client's status when the check fails or answers 5xx. */
  readonly statusOnError: number;
  /** The Envoy node's address (local_info), which the async client appends to x-forwarded-for. */
  readonly envoyAddress: string;
}

const PSEUDO = (name: string): boolean => name.startsWith(':');
// HTTP/1 connection-level headers never cross Envoy's codec.
const CONNECTION_LEVEL: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'proxy-connection']);

/** Sets `name` to `value`, replacing every earlier value, at the first one's place. */
function setHeader(headers: RawHeader[], name: string, value: string): void {
  const at = headers.findIndex(([n]) => n === name);
  const rest = headers.filter(([n]) => n !== name);
  rest.splice(at === -1 ? rest.length : at, 0, [name, value]);
  headers.splice(0, headers.length, ...rest);
}

/** The downstream request after the connection manager: lower-case names, pseudo-headers, XFF/XFP/request id. */
export function downstreamHeaders(request: ClientRequest): RawHeader[] {
  const headers: RawHeader[] = [
    [':authority', request.host],
    [':path', request.uri],
    [':method', request.method],
    [':scheme', request.scheme],
  ];
  for (const [name, value] of request.headers) {
    const lower = name.toLowerCase();
    if (CONNECTION_LEVEL.has(lower) || lower === 'host') continue;
    // A repeated header reaches the CheckRequest as one comma-joined value (ext_authz_integration_test).
    const earlier = headers.find(([n]) => n === lower);
    if (earlier) setHeader(headers, lower, `${earlier[1]},${value}`);
    else headers.push([lower, value]);
  }
  setHeader(headers, 'x-forwarded-proto', request.scheme);
  const xff = headers.find(([n]) => n === 'x-forwarded-for')?.[1];
  setHeader(headers, 'x-forwarded-for', xff === undefined ? request.clientIp : `${xff}, ${request.clientIp}`);
  setHeader(headers, 'x-request-id', randomUUID());
  setHeader(headers, 'x-envoy-external-address', request.clientIp);
  return headers;
}

/** The check request Envoy writes to the ext_authz cluster for `request`. */
export function buildCheckRequest(request: ClientRequest, config: EnvoyExtAuthzConfig): RawRequest {
  const always = new Set(['authorization', ':method', ':path', ':authority']);
  const allowed = (name: string): boolean => always.has(name) || config.allowedHeaders.includes(name);
  const check: RawHeader[] = [['content-length', '0']];
  for (const [name, value] of downstreamHeaders(request)) {
    if (name === 'content-length' || !allowed(name)) continue;
    check.push([name, name === ':path' ? `${config.pathPrefix}${value}` : value]);
  }
  for (const [name, value] of Object.entries(config.headersToAdd ?? {})) setHeader(check, name.toLowerCase(), value);
  setHeader(check, 'x-envoy-internal', 'true');
  const xff = check.find(([n]) => n === 'x-forwarded-for')?.[1];
  setHeader(check, 'x-forwarded-for', xff === undefined ? config.envoyAddress : `${xff},${config.envoyAddress}`);
  setHeader(check, 'x-envoy-expected-rq-timeout-ms', String(config.timeoutMs));
  const path = check.find(([n]) => n === ':path')?.[1] ?? '/';
  const method = check.find(([n]) => n === ':method')?.[1] ?? 'GET';
  // The HTTP/1 codec writes :authority as host and drops the other pseudo-headers.
  const headers = check.filter(([n]) => !PSEUDO(n) || n === ':authority').map(([n, v]): RawHeader => (n === ':authority' ? ['host', v] : [n, v]));
  return { method, target: path, headers };
}

const matches = (list: readonly string[], name: string): boolean => list.includes(name.toLowerCase());

/** The client's answer for a denial: status, body, and the answer headers the filter lets through. */
function denial(status: number, headers: readonly RawHeader[], body: string, config: EnvoyExtAuthzConfig): ClientView {
  const defaults = ['content-length', 'www-authenticate', 'location'];
  const passes = (name: string): boolean =>
    config.allowedClientHeaders.length === 0 ? name.toLowerCase() !== 'host' : matches([...config.allowedClientHeaders, ...defaults], name);
  const kept = headers.filter(([n]) => passes(n) && !CONNECTION_LEVEL.has(n.toLowerCase()) && n.toLowerCase() !== 'content-length');
  // sendLocalReply: a body without an allowed content-type goes out as text/plain.
  const typed = body !== '' && !kept.some(([n]) => n.toLowerCase() === 'content-type');
  const out: RawHeader[] = [...kept.map(([n, v]): RawHeader => [n.toLowerCase(), v]), ...(typed ? [['content-type', 'text/plain'] as RawHeader] : [])];
  return { status, headers: [...out, ['content-length', String(Buffer.byteLength(body))]], body };
}

/** The upstream request on allow: auth-headers-to-remove first, then the allowed answer headers set. */
function allowed(request: ClientRequest, answer: readonly RawHeader[], config: EnvoyExtAuthzConfig): UpstreamView {
  const headers = downstreamHeaders(request).filter(([n]) => !PSEUDO(n));
  const remove = (headerOf({ headers: answer }, 'x-envoy-auth-headers-to-remove') ?? '')
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean);
  const kept = headers.filter(([n]) => !remove.includes(n));
  const ignored = new Set(['host', ':status', 'date', 'content-length', 'content-type', 'x-envoy-auth-headers-to-remove', ...CONNECTION_LEVEL]);
  for (const [name, value] of answer) {
    const lower = name.toLowerCase();
    const copy = config.allowedUpstreamHeaders === 'all-but-host' ? !ignored.has(lower) : matches(config.allowedUpstreamHeaders, lower);
    if (copy) setHeader(kept, lower, value);
  }
  return { method: request.method, uri: request.uri, headers: kept };
}

/** Replays `request` through an ext_authz filter configured as `config` in front of gatehouse. */
export async function replayEnvoyExtAuthz(request: ClientRequest, config: EnvoyExtAuthzConfig): Promise<Replay> {
  const check = buildCheckRequest(request, config);
  const auth = await sendRaw(config.port, check, config.timeoutMs);
  if (auth.status >= 500) return { check, auth, client: { status: config.statusOnError, headers: [['content-length', '0']], body: '' }, upstream: undefined };
  if (auth.status === 200) return { check, auth, client: undefined, upstream: allowed(request, auth.headers, config) };
  return { check, auth, client: denial(auth.status, auth.headers, auth.body, config), upstream: undefined };
}

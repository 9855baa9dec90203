/**
 * Why an outbound call failed, in words an operator acts on: connection refused, DNS failure, a TLS
 * error (unknown CA, name mismatch, expired), a timeout, a bad status, the proxy refusing. undici
 * and Node bury the reason in `cause` chains (fetch's "fetch failed" TypeError, openid-client's and
 * jose's wrappers, Node's AggregateError for several addresses), so the chain is searched for the
 * first code with a known meaning.
 */

/** A failure in words, and the code it was read from (for searching logs and documentation). */
export interface FailureCause {
  readonly cause: string;
  readonly code: string | undefined;
}

const CODE_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection closed by the other side',
  ENOTFOUND: 'DNS failure: no such host',
  EAI_NONAME: 'DNS failure: no such host',
  ENODATA: 'DNS failure: no address for the host',
  EAI_AGAIN: 'DNS failure: resolver unavailable (temporary)',
  EAI_FAIL: 'DNS failure',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timeout while connecting',
  UND_ERR_CONNECT_TIMEOUT: 'timeout while connecting',
  UND_ERR_HEADERS_TIMEOUT: 'timeout waiting for the response headers',
  UND_ERR_BODY_TIMEOUT: 'timeout reading the response body',
  ERR_JWKS_TIMEOUT: 'timeout',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS error: unknown CA',
  UNABLE_TO_GET_ISSUER_CERT: 'TLS error: unknown CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS error: unknown CA',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS error: unknown CA',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS error: unknown CA (self-signed certificate)',
  CERT_UNTRUSTED: 'TLS error: unknown CA',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS error: name mismatch',
  HOSTNAME_MISMATCH: 'TLS error: name mismatch',
  CERT_HAS_EXPIRED: 'TLS error: certificate expired',
  CERT_NOT_YET_VALID: 'TLS error: certificate not yet valid',
  CERT_REVOKED: 'TLS error: certificate revoked',
  CERT_SIGNATURE_FAILURE: 'TLS error: bad certificate signature',
  EPROTO: 'TLS error: handshake failed',
  UND_ERR_PRX_CONN: 'proxy connection failed',
};

/** What the cause chain needs of an error; anything else is ignored. */
interface ErrorLike {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly status?: unknown;
  readonly address?: unknown;
  readonly port?: unknown;
  readonly hostname?: unknown;
  readonly cause?: unknown;
  readonly errors?: unknown;
}

const MAX_CHAIN = 12;

/** The error and its causes, outermost first (AggregateError members after their parent). */
function chainOf(err: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  const pending: unknown[] = [err];
  while (pending.length > 0 && chain.length < MAX_CHAIN) {
    const next = pending.shift();
    if (typeof next !== 'object' || next === null || chain.includes(next)) continue;
    const error = next as ErrorLike;
    chain.push(error);
    if (error.cause !== undefined) pending.push(error.cause);
    if (Array.isArray(error.errors)) pending.push(...error.errors);
  }
  return chain;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** undici reports a refused CONNECT tunnel and a 407 as plain errors; their message holds the status. */
function proxyRefusal(error: ErrorLike): FailureCause | undefined {
  const message = text(error.message);
  const tunnel = /Proxy response \((\d{3})\)/.exec(message);
  if (tunnel) return { cause: `proxy refused (${tunnel[1]})`, code: text(error.code) || undefined };
  if (/Proxy Authentication Required/i.test(message)) return { cause: 'proxy refused (407: proxy authentication required)', code: text(error.code) || undefined };
  return undefined;
}

/**
 * Which peer a socket or DNS error was about. Through a proxy the refused address is the proxy's,
 * not the target's, so it is worth naming.
 */
function peerOf(error: ErrorLike): string {
  if (typeof error.address === 'string') return ` (${error.address}${typeof error.port === 'number' ? `:${error.port}` : ''})`;
  if (typeof error.hostname === 'string') return ` (${error.hostname})`;
  return '';
}

function fromCode(error: ErrorLike, rest: readonly ErrorLike[]): FailureCause | undefined {
  const code = text(error.code);
  // The TLS handshake with the proxy itself failed; what failed is in its cause.
  if (code === 'UND_ERR_PRX_TLS') {
    const inner = rest.map((next, index) => fromCode(next, rest.slice(index + 1))).find(Boolean);
    return { cause: `proxy ${inner?.cause ?? 'TLS error'}`, code: inner?.code ?? code };
  }
  const words = CODE_WORDS[code] ?? (code.startsWith('ERR_SSL_') ? 'TLS error: handshake failed' : undefined);
  return words === undefined ? undefined : { cause: `${words}${peerOf(error)}`, code };
}

/** A status carried by the error (openid-client's ResponseBodyError) or by a Response as its cause. */
function statusOf(error: ErrorLike): number | undefined {
  if (typeof error.status === 'number' && error.status >= 100) return error.status;
  return undefined;
}

/** The words for a response whose status the caller cannot use. */
export function badStatus(status: number): FailureCause {
  return { cause: `bad status ${status}`, code: undefined };
}

/**
 * Describes why an outbound call failed. Pure: reads the error and its causes, never the network.
 * Unknown failures keep their error name and a bounded message, which never holds a request body.
 */
export function describeFailure(err: unknown): FailureCause {
  const chain = chainOf(err);
  for (const error of chain) {
    const refusal = proxyRefusal(error);
    if (refusal) return refusal;
  }
  for (const [index, error] of chain.entries()) {
    const known = fromCode(error, chain.slice(index + 1));
    if (known) return known;
  }
  // AbortSignal.timeout() rejects with a DOMException named TimeoutError, with no code.
  if (chain.some((error) => error.name === 'TimeoutError')) return { cause: 'timeout', code: undefined };
  const status = chain.map(statusOf).find((value) => value !== undefined);
  if (status !== undefined) return badStatus(status);
  if (chain.some((error) => /Expected 200 OK/.test(text(error.message)))) return { cause: 'bad status (not 200)', code: undefined };
  if (chain.some((error) => error.name === 'AbortError' || error.code === 'UND_ERR_ABORTED')) return { cause: 'aborted', code: undefined };
  const first = chain[0];
  const name = text(first?.name) || 'Error';
  const message = text(first?.message) || String(err);
  return { cause: `${name}: ${message}`.slice(0, 200), code: text(first?.code) || undefined };
}

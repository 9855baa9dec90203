/**
 * One undici dispatcher per outbound target: its CA bundle, its timeouts and the egress proxy.
 * undici's EnvHttpProxyAgent picks, per request, a direct connection or the proxy by HTTP(S)_PROXY
 * and NO_PROXY; the values come from the frozen Config, so it never reads the environment itself
 * and never re-reads NO_PROXY on a request.
 */
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { ProxyVariables } from '../../config/config.ts';

/** Everything a target's dispatcher is built from. */
export interface DispatcherOptions {
  /** PEM bundle trusted instead of the system CAs; the system CAs when undefined. */
  readonly caPem?: string | undefined;
  /** TCP and TLS set-up, to the target or to the proxy. */
  readonly connectTimeoutMs: number;
  /** Waiting for the response headers, and between chunks of the body. */
  readonly timeoutMs: number;
  readonly proxy: ProxyVariables;
}

/** No proxy: every request connects directly. */
export const DIRECT: ProxyVariables = Object.freeze({ https: '', http: '', noProxy: '' });

/**
 * Builds the dispatcher. Nothing connects until the first request. Loopback is not special:
 * with a proxy set, 127.0.0.1 and localhost go through it too unless NO_PROXY lists them
 * (undici 8 has no built-in loopback exemption; a test holds this).
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const tls = options.caPem === undefined ? {} : { ca: options.caPem };
  return new EnvHttpProxyAgent({
    // Empty strings, not undefined: undefined would make undici fall back to process.env.
    httpProxy: options.proxy.http,
    httpsProxy: options.proxy.https,
    noProxy: options.proxy.noProxy,
    // A connect slower than the whole call would only hide which of the two ran out.
    connectTimeout: Math.min(options.connectTimeoutMs, options.timeoutMs),
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    // Direct connections take the CA from `connect`; through a CONNECT tunnel undici's ProxyAgent
    // sets up the TLS session with the target from `requestTls` instead, so both carry it.
    connect: tls,
    requestTls: tls,
  });
}

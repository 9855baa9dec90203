/**
 * The bounds on both sides of the sidecar. Toward the app: connect, wait for the answer's head,
 * pause within its body, and how long an idle pooled connection is kept. Toward clients: how long
 * the request head and the whole request may take, enforced by Node's own connection sweep, which
 * runs every second here instead of every 30 s so that a client trickling its headers is cut
 * close to the bound rather than up to half a minute after it.
 */
import type { ServerOptions } from 'node:http';
import type { Pool } from 'undici';
import type { SidecarSettings } from '../../config/config.ts';

/** The app may answer with as many header bytes as clients may send gatehouse. */
const MAX_RESPONSE_HEADER_BYTES = 64 * 1024;

/** The keep-alive pool to the app. */
export function poolOptions(settings: SidecarSettings): Pool.Options {
  return {
    connections: settings.maxConnections,
    keepAliveTimeout: settings.keepAliveTimeoutMs,
    keepAliveMaxTimeout: Math.max(settings.keepAliveTimeoutMs, 1000),
    connectTimeout: settings.connectTimeoutMs,
    headersTimeout: settings.responseTimeoutMs,
    bodyTimeout: settings.bodyTimeoutMs,
    maxHeaderSize: MAX_RESPONSE_HEADER_BYTES,
    // One request at a time per connection: a slow answer must not hold up the ones queued behind it.
    pipelining: 1,
  };
}

/** The main port's client timeouts in sidecar mode. */
export function clientTimeouts(settings: SidecarSettings): Pick<ServerOptions, 'headersTimeout' | 'requestTimeout' | 'connectionsCheckingInterval'> {
  return {
    headersTimeout: settings.clientHeadersTimeoutMs,
    requestTimeout: settings.clientRequestTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, settings.clientHeadersTimeoutMs),
  };
}

/**
 * The sidecar's baseline: a bare Node reverse proxy with no check at all, on the same undici with
 * the same pool and the same client-side server options as gatehouse's sidecar at its defaults
 * (timeouts.ts over schema-sidecar.ts: 128 kept-alive connections, one request at a time on each,
 * the same connect, answer and body timeouts, whose timers undici sets per request), the answer
 * written straight into the response. It does what every correct reverse proxy must and no more:
 * hop-by-hop headers (RFC 9110 §7.6.1, and those Connection names) are dropped both ways,
 * X-Forwarded-For, -Proto and -Host replace the client's, bodies stream with backpressure, a
 * client that leaves aborts the exchange, an app that fails gets 502. argv: port, upstream origin.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import { SIDECAR_SCHEMA } from '../app/src/config/schema-sidecar.ts';
import type { SidecarSettings } from '../app/src/config/config.ts';
import { clientTimeouts, poolOptions } from '../app/src/proxies/sidecar/timeouts.ts';

const [port, upstream] = [Number(process.argv[2]), process.argv[3] ?? ''];
const defaults = {
  maxConnections: SIDECAR_SCHEMA.GATEHOUSE_UPSTREAM_MAX_CONNECTIONS.default,
  keepAliveTimeoutMs: SIDECAR_SCHEMA.GATEHOUSE_UPSTREAM_KEEPALIVE_TIMEOUT.default,
  connectTimeoutMs: SIDECAR_SCHEMA.GATEHOUSE_UPSTREAM_CONNECT_TIMEOUT.default,
  responseTimeoutMs: SIDECAR_SCHEMA.GATEHOUSE_UPSTREAM_RESPONSE_TIMEOUT.default,
  bodyTimeoutMs: SIDECAR_SCHEMA.GATEHOUSE_UPSTREAM_BODY_TIMEOUT.default,
  clientHeadersTimeoutMs: SIDECAR_SCHEMA.GATEHOUSE_CLIENT_HEADERS_TIMEOUT.default,
  clientRequestTimeoutMs: SIDECAR_SCHEMA.GATEHOUSE_CLIENT_REQUEST_TIMEOUT.default,
} as SidecarSettings;
const pool = new Pool(upstream, poolOptions(defaults));
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'proxy-authenticate', 'proxy-authorization', 'trailer']);
// Replaced below; Expect was answered by Node (100 Continue) and undici refuses to send it.
const REQUEST_DROPPED = new Set([...HOP_BY_HOP, 'expect', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);
const CLIENT_GONE = new Error('the client went away');

/** The names a Connection header lists besides keep-alive and close, lower-cased. */
function connectionNames(value: string | string[] | undefined): Set<string> | undefined {
  if (typeof value !== 'string' || value === 'keep-alive' || value === 'close' || value === 'Keep-Alive' || value === 'Close') return undefined;
  const names = value.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '' && name !== 'keep-alive' && name !== 'close');
  return names.length === 0 ? undefined : new Set(names);
}

type Relayed = ServerResponse & { relay?: Relay };

function abortIfUnfinished(this: Relayed): void {
  if (!this.writableFinished) this.relay?.controller?.abort(CLIENT_GONE);
}

class Relay implements Dispatcher.DispatchHandler {
  private readonly res: ServerResponse;
  controller: Dispatcher.DispatchController | undefined;
  constructor(res: ServerResponse) {
    this.res = res;
    (res as Relayed).relay = this;
    res.on('close', abortIfUnfinished);
  }
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
  }
  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    const named = connectionNames(headers.connection);
    const out: string[] = [];
    for (const name of Object.keys(headers)) {
      const value = headers[name];
      if (value === undefined || HOP_BY_HOP.has(name) || named?.has(name)) continue;
      if (typeof value === 'string') out.push(name, value);
      else for (const one of value) out.push(name, one);
    }
    this.res.writeHead(status, out);
  }
  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.res.write(chunk)) return;
    controller.pause();
    this.res.once('drain', () => controller.resume());
  }
  onResponseEnd(): void {
    this.res.end();
  }
  onResponseError(): void {
    if (this.res.headersSent || this.res.destroyed) this.res.destroy();
    else this.res.writeHead(502).end();
  }
}

function forward(req: IncomingMessage, res: ServerResponse): void {
  const named = connectionNames(req.headers.connection);
  const headers: string[] = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const lower = (raw[i] as string).toLowerCase();
    if (!REQUEST_DROPPED.has(lower) && !named?.has(lower)) headers.push(raw[i] as string, raw[i + 1] as string);
  }
  headers.push('X-Forwarded-For', req.socket.remoteAddress ?? '', 'X-Forwarded-Proto', 'http', 'X-Forwarded-Host', req.headers.host ?? '');
  const length = req.headers['content-length'];
  const body = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0') ? req : null;
  if (body === null) req.resume();
  const relay = new Relay(res);
  try {
    pool.dispatch({ path: req.url ?? '/', method: req.method ?? 'GET', headers, body }, relay);
  } catch {
    // A request undici will not send as it is (a repeated Content-Length).
    res.writeHead(400).end();
  }
}

createServer({ maxHeaderSize: 64 * 1024, ...clientTimeouts(defaults) }, forward).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));

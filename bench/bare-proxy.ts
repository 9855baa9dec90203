/**
 * The sidecar's baseline: a bare Node reverse proxy on the same undici as gatehouse's sidecar (a
 * keep-alive Pool of the same size, dispatch with the answer written straight into the response)
 * doing what any reverse proxy does, dropping hop-by-hop headers and setting X-Forwarded-*, and no
 * check at all. argv: port, upstream origin.
 */
import { createServer, type ServerResponse } from 'node:http';
import { Pool, type Dispatcher } from 'undici';

const [port, upstream] = [Number(process.argv[2]), process.argv[3] ?? ''];
const pool = new Pool(upstream, { connections: 128, pipelining: 1, keepAliveTimeout: 4000 });
const REFUSED = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'trailer', 'expect', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host']);

class Relay implements Dispatcher.DispatchHandler {
  private readonly res: ServerResponse;
  constructor(res: ServerResponse) {
    this.res = res;
  }
  onRequestStart(): void {}
  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[] | undefined>): void {
    const { connection: _connection, 'keep-alive': _keepAlive, 'transfer-encoding': _encoding, ...rest } = headers;
    this.res.writeHead(status, rest as Record<string, string | string[]>);
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
    if (!this.res.headersSent) this.res.writeHead(502);
    this.res.end();
  }
}

createServer((req, res) => {
  const headers: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    if (!REFUSED.has((req.rawHeaders[i] as string).toLowerCase())) headers.push(req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string);
  }
  headers.push('X-Forwarded-For', req.socket.remoteAddress ?? '', 'X-Forwarded-Proto', 'http', 'X-Forwarded-Host', req.headers.host ?? '');
  const body = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined ? req : null;
  if (body === null) req.resume();
  pool.dispatch({ path: req.url ?? '/', method: req.method ?? 'GET', headers, body }, new Relay(res));
}).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));

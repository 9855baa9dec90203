/**
 * The proxied exchange between a real Node server and a real app over undici's pool, on loopback:
 * the app's answer reaches the client as it is, a client that leaves frees the app's side of the
 * exchange (before the answer starts and in the middle of it), and an app that breaks off its
 * answer has the client's connection cut, logged once.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Pool } from 'undici';
import { createLogger } from '../../observability/logger.ts';
import { createForward } from './proxy-exchange.ts';
import type { SidecarOriginal } from './sidecar-request.ts';

/** How the app's side of one exchange ended. */
interface AppEnd {
  readonly path: string;
  readonly finished: boolean;
}

const CHUNK = Buffer.alloc(16 * 1024, 0x61);

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

function original(req: IncomingMessage): SidecarOriginal {
  const uri = req.url ?? '/';
  return { method: req.method ?? 'GET', scheme: 'http', host: 'app.test', uri, clientIp: '127.0.0.1', wantsPage: false, rawPath: uri, path: uri, peer: '127.0.0.1', trusted: false };
}

/** Opens a connection, sends one GET and resolves once `bytes` of the answer have arrived. */
function getUntil(port: number, path: string, bytes: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: app.test\r\n\r\n`));
    let received = 0;
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received >= bytes) resolve(socket);
    });
    if (bytes === 0) socket.once('connect', () => setTimeout(() => resolve(socket), 100));
  });
}

describe('the proxied exchange', () => {
  const ends: AppEnd[] = [];
  const waiting = new Map<string, (end: AppEnd) => void>();
  const logs: Record<string, unknown>[] = [];
  let app: Server;
  let proxy: Server;
  let pool: Pool;
  let port = 0;

  /** Resolves when the app's response for `path` has closed. */
  const appEnded = (path: string): Promise<AppEnd> => {
    const done = ends.find((end) => end.path === path);
    return done ? Promise.resolve(done) : new Promise((resolve) => waiting.set(path, resolve));
  };

  before(async () => {
    app = createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = req.url ?? '';
      res.once('close', () => {
        const end = { path, finished: res.writableFinished };
        ends.push(end);
        waiting.get(path)?.(end);
      });
      req.resume();
      if (path === '/hello') {
        res.writeHead(200, { 'content-type': 'text/plain', 'x-app': 'yes' });
        res.end('hello');
      } else if (path.startsWith('/endless')) {
        // An answer that never ends on its own: the head and a first chunk, then more only when asked.
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(CHUNK);
      } else if (path.startsWith('/broken')) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write(CHUNK, () => setTimeout(() => res.socket?.destroy(), 50));
      }
      // /silent: never answers.
    });
    const appPort = await listen(app);
    pool = new Pool(`http://127.0.0.1:${appPort}`, { connections: 4, pipelining: 1 });
    const logger = createLogger('debug', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    const forward = createForward(pool, logger);
    proxy = createServer((req, res) => forward(req, res, original(req), [], 'id-test'));
    port = await listen(proxy);
  });

  after(async () => {
    proxy.closeAllConnections();
    app.closeAllConnections();
    await Promise.all([once(proxy.close(), 'close'), once(app.close(), 'close'), pool.close()]);
  });

  it("relays the app's status, headers and body", async () => {
    const answer = await fetch(`http://127.0.0.1:${port}/hello`);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('x-app'), 'yes');
    assert.equal(await answer.text(), 'hello');
    assert.deepEqual(await appEnded('/hello'), { path: '/hello', finished: true });
  });

  it("frees the app's side when the client leaves in the middle of the answer", { timeout: 10_000 }, async () => {
    const socket = await getUntil(port, '/endless-1', CHUNK.length);
    socket.destroy();
    assert.deepEqual(await appEnded('/endless-1'), { path: '/endless-1', finished: false });
  });

  it("frees the app's side when the client leaves before the answer starts", { timeout: 10_000 }, async () => {
    const socket = await getUntil(port, '/silent', 0);
    socket.destroy();
    assert.deepEqual(await appEnded('/silent'), { path: '/silent', finished: false });
    assert.ok(logs.some((line) => line.msg === 'client went away during the exchange' && line.requestId === 'id-test'));
    assert.ok(!logs.some((line) => line.msg === 'upstream failed'), 'a client leaving is not logged as the app failing');
  });

  it('cuts the client connection when the app breaks off its answer, and logs it once', { timeout: 10_000 }, async () => {
    const socket = await getUntil(port, '/broken', CHUNK.length);
    await once(socket, 'close');
    const lines = logs.filter((line) => line.msg === 'upstream failed mid-answer; cut the client connection');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.requestId, 'id-test');
  });
});

describe('a kept-alive connection the app closes under a request', () => {
  // One connection in the pool: a request sent again must open a new one.
  let app: Server;
  let proxy: Server;
  let pool: Pool;
  let port = 0;
  const attempts = new Map<string, number>();
  const served = new WeakMap<object, number>();

  before(async () => {
    app = createServer((req: IncomingMessage, res: ServerResponse) => {
      const path = req.url ?? '';
      const before = served.get(req.socket) ?? 0;
      served.set(req.socket, before + 1);
      attempts.set(path, (attempts.get(path) ?? 0) + 1);
      // As an app whose idle timeout closed the connection just as the request arrived.
      if ((path.startsWith('/reset-if-reused') && before > 0) || path.startsWith('/always-reset')) {
        req.socket.destroy();
        return;
      }
      req.resume();
      res.end('fresh');
    });
    pool = new Pool(`http://127.0.0.1:${await listen(app)}`, { connections: 1, pipelining: 1 });
    const forward = createForward(pool, createLogger('warn', { write: () => true }));
    proxy = createServer((req, res) => forward(req, res, original(req), [], 'id-test'));
    port = await listen(proxy);
  });

  after(async () => {
    proxy.closeAllConnections();
    app.closeAllConnections();
    await Promise.all([once(proxy.close(), 'close'), once(app.close(), 'close'), pool.close()]);
  });

  it('sends a bodiless idempotent request once more, on a new connection', async () => {
    for (const method of ['GET', 'HEAD', 'DELETE']) {
      // A GET first, so that the pool's one connection has served a request before this one.
      assert.equal(await (await fetch(`http://127.0.0.1:${port}/reset-if-reused-warm-${method}`)).text(), 'fresh');
      const path = `/reset-if-reused-${method}`;
      const answer = await fetch(`http://127.0.0.1:${port}${path}`, { method });
      assert.equal(answer.status, 200, method);
      await answer.arrayBuffer();
      assert.equal(attempts.get(path), 2, `${method}: the closed connection, then a new one`);
    }
  });

  it('answers 502 for a request with a body or of a method that is not idempotent, sent once', async () => {
    await (await fetch(`http://127.0.0.1:${port}/reset-if-reused-warm2`)).text();
    const posted = await fetch(`http://127.0.0.1:${port}/reset-if-reused-post`, { method: 'POST', body: 'x=1' });
    assert.equal(posted.status, 502);
    await posted.arrayBuffer();
    assert.equal(attempts.get('/reset-if-reused-post'), 1);
    await (await fetch(`http://127.0.0.1:${port}/reset-if-reused-warm3`)).text();
    const patched = await fetch(`http://127.0.0.1:${port}/reset-if-reused-patch`, { method: 'PATCH' });
    assert.equal(patched.status, 502);
    await patched.arrayBuffer();
    assert.equal(attempts.get('/reset-if-reused-patch'), 1);
  });

  it('sends a request at most twice', async () => {
    const answer = await fetch(`http://127.0.0.1:${port}/always-reset`);
    assert.equal(answer.status, 502);
    await answer.arrayBuffer();
    assert.equal(attempts.get('/always-reset'), 2);
  });
});

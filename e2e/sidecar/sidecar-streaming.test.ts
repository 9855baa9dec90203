/**
 * Sidecar mode's bounds, against gatehouse as a child process: a 1 GiB upload and a 1 GiB download
 * stream through it while its peak resident memory (VmHWM) grows by far less than the data, and a
 * client that sends its headers (or its body) one byte a second is cut off by the client timeouts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startSidecarStack, type SidecarSite, type SidecarStack } from '../stack/start-sidecar.ts';
import { signInOverHttp } from '../support/http-login.ts';
import { startStreamApp, type StreamApp } from '../upstream/stream-app.ts';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;
/** Far below the 1 GiB moved: what buffering even a tenth of it would exceed. */
const MAX_GROWTH = 128 * MIB;

/** Peak resident memory of a process so far, in bytes. */
function peakRss(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kb === undefined) throw new Error(`no VmHWM for ${pid}`);
  return Number(kb) * 1024;
}

/** Streams `total` bytes to `path` with backpressure; resolves with the answer's body. */
function upload(port: number, path: string, cookie: string, total: number): Promise<string> {
  const chunk = Buffer.alloc(256 * 1024, 0x62);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, agent: false, headers: { cookie, 'content-length': String(total), host: `localhost:${port}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => (body += text));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`upload answered ${res.statusCode}: ${body}`))));
    });
    req.on('error', reject);
    let sent = 0;
    const write = (): void => {
      while (sent < total) {
        const part = Math.min(chunk.length, total - sent);
        sent += part;
        if (!req.write(part === chunk.length ? chunk : chunk.subarray(0, part))) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

/** Reads `path` to the end, counting bytes; resolves with the count. */
function download(port: number, path: string, cookie: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers: { cookie, host: `localhost:${port}` } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(bytes) : reject(new Error(`download answered ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Sends `head` at once, then `trickle` one byte a second, and resolves with how long the server
 * kept the connection open and what it answered.
 */
function trickle(port: number, head: string, slow: string): Promise<{ ms: number; answer: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const next = (): void => {
      if (socket.destroyed || sent >= slow.length) return;
      socket.write(slow.charAt(sent++));
      timer = setTimeout(next, 1000);
    };
    socket.on('connect', () => {
      if (head) socket.write(head);
      next();
    });
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - started, answer });
    });
  });
}

describe('sidecar mode: streaming and slow clients', () => {
  let app: StreamApp;
  let stack: SidecarStack;
  let roomy: SidecarSite;
  let strict: SidecarSite;
  let cookies: string[];
  before(async () => {
    app = await startStreamApp();
    stack = await startSidecarStack([
      { upstreamPort: app.port },
      { upstreamPort: app.port, env: { GATEHOUSE_CLIENT_HEADERS_TIMEOUT: '3s', GATEHOUSE_CLIENT_REQUEST_TIMEOUT: '5s' } },
    ]);
    [roomy, strict] = stack.sites as [SidecarSite, SidecarSite];
    cookies = [];
    for (const site of [roomy, strict]) cookies.push((await signInOverHttp(site.baseUrl, { login: 'alice', password: 'alice' })).cookieHeader);
  });
  after(async () => {
    await stack?.stop();
    await app?.close();
  });

  it('streams a 1 GiB upload and a 1 GiB download with flat memory', { timeout: 240_000 }, async () => {
    const { port, pid } = roomy.gatehouse;
    const cookie = cookies[0] as string;
    // Warm up: pool, JIT and buffers as in steady use, so the baseline is the working size.
    assert.deepEqual(JSON.parse(await upload(port, '/upload', cookie, 32 * MIB)), { bytes: 32 * MIB });
    assert.equal(await download(port, `/download?bytes=${32 * MIB}`, cookie), 32 * MIB);
    const baseline = peakRss(pid);
    assert.deepEqual(JSON.parse(await upload(port, '/upload', cookie, GIB)), { bytes: GIB });
    const afterUpload = peakRss(pid);
    assert.equal(await download(port, `/download?bytes=${GIB}`, cookie), GIB);
    const afterDownload = peakRss(pid);
    const growth = afterDownload - baseline;
    process.stdout.write(`# gatehouse peak RSS: ${Math.round(baseline / MIB)} MiB before, ${Math.round(afterUpload / MIB)} MiB after the upload, ${Math.round(afterDownload / MIB)} MiB after the download\n`);
    assert.ok(growth < MAX_GROWTH, `peak RSS grew by ${Math.round(growth / MIB)} MiB moving 2 GiB`);
  });

  it('cuts off a client that sends its headers one byte a second', { timeout: 30_000 }, async () => {
    const { port } = strict.gatehouse;
    const { ms, answer } = await trickle(port, '', `GET / HTTP/1.1\r\nHost: localhost:${port}\r\nX-Slow: ${'a'.repeat(40)}\r\n\r\n`);
    // GATEHOUSE_CLIENT_HEADERS_TIMEOUT is 3 s, checked every second.
    assert.ok(ms >= 2500 && ms < 6000, `closed after ${ms} ms`);
    assert.match(answer, /^(HTTP\/1\.1 408 |$)/, answer);
  });

  it('cuts off a client that sends its body one byte a second', { timeout: 30_000 }, async () => {
    const { port } = strict.gatehouse;
    const head = `POST /upload HTTP/1.1\r\nHost: localhost:${port}\r\nCookie: ${cookies[1]}\r\nContent-Length: 100\r\n\r\n`;
    const { ms } = await trickle(port, head, 'x'.repeat(100));
    // GATEHOUSE_CLIENT_REQUEST_TIMEOUT is 5 s.
    assert.ok(ms >= 4500 && ms < 8000, `closed after ${ms} ms`);
  });
});

/**
 * The app behind a sidecar in the streaming, WebSocket and failure tests:
 * - `POST /upload` counts the body as it streams in and answers `{"bytes":n}`;
 * - `GET /download?bytes=n` streams n bytes, written only as fast as the reader takes them;
 * - `GET /slow?ms=n` answers after n ms;
 * - WebSocket upgrades echo (websocket-echo.ts); `/ws-refused` answers the upgrade with 403;
 * - anything else answers what reached it: `{method, url, headers}` as JSON, or a small page
 *   naming X-Auth-Request-User for a browser.
 * Every request's method and URL is remembered, so a test can prove a refused one never arrived.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { escapeHtml } from '../support/escape-html.ts';
import { acceptWebSocket } from './websocket-echo.ts';

/** A running stream app. */
export interface StreamApp {
  readonly port: number;
  /** `METHOD url` of each request and upgrade so far, oldest first. */
  readonly requests: string[];
  /** Connections the app has accepted so far (to see keep-alive reuse). */
  connections(): number;
  close(): Promise<void>;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

function upload(req: IncomingMessage, res: ServerResponse): void {
  let bytes = 0;
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ bytes }));
  });
}

function download(res: ServerResponse, total: number): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total) });
  let left = total;
  const write = (): void => {
    while (left > 0) {
      const chunk = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
      left -= chunk.length;
      if (!res.write(chunk)) return void res.once('drain', write);
    }
    res.end();
  };
  write();
}

function echo(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  if ((req.headers.accept ?? '').includes('text/html')) {
    const user = String(req.headers['x-auth-request-user'] ?? '(nobody)');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><title>Stream app</title><h1>Stream app: <span id="user">${escapeHtml(user)}</span></h1>`);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers }));
}

/** Starts the app on a free loopback port (or `port`). */
export async function startStreamApp(port = 0): Promise<StreamApp> {
  const requests: string[] = [];
  const upgraded = new Set<Duplex>();
  let connections = 0;
  const server: Server = createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const url = new URL(req.url ?? '/', 'http://app');
    if (url.pathname === '/upload' && req.method === 'POST') return upload(req, res);
    if (url.pathname === '/download') return download(res, Number(url.searchParams.get('bytes') ?? 0));
    if (url.pathname === '/slow') {
      const timer = setTimeout(() => echo(req, res), Number(url.searchParams.get('ms') ?? 0));
      res.once('close', () => clearTimeout(timer));
      return;
    }
    echo(req, res);
  });
  server.on('connection', () => connections++);
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    requests.push(`UPGRADE ${req.url}`);
    // Upgraded sockets leave the HTTP server's books but still hold close() open.
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    if (req.url === '/ws-refused') {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 7\r\nConnection: close\r\n\r\nrefused');
      return;
    }
    acceptWebSocket(req, socket, head);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
      }),
  };
}

/**
 * gatehouse in sidecar mode, in-process, in front of the stream app (e2e/upstream/stream-app.ts),
 * with the config file's `sidecar` section written to a temporary directory removed at stop; and
 * the raw-socket and WebSocket clients the sidecar tests share.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'undici';
import { startStreamApp, type StreamApp } from '../../../e2e/upstream/stream-app.ts';
import { startHarness, type Harness } from './harness.ts';

/** A sidecar harness and its app. */
export interface SidecarHarness {
  readonly h: Harness;
  readonly app: StreamApp;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Starts the app, then gatehouse with GATEHOUSE_UPSTREAM pointing at it.
 * @param file - the config file's text (the `sidecar` section and anything else), if any
 * @param env - further settings; GATEHOUSE_UPSTREAM may be overridden (an app that is not there)
 */
export async function startSidecarHarness(file = '', env: Record<string, string> = {}): Promise<SidecarHarness> {
  const app = await startStreamApp();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sidecar-'));
  const withFile: Record<string, string> = {};
  if (file !== '') {
    withFile.GATEHOUSE_CONFIG_FILE = join(dir, 'config.yaml');
    writeFileSync(withFile.GATEHOUSE_CONFIG_FILE, file);
  }
  let h: Harness;
  try {
    h = await startHarness({ GATEHOUSE_UPSTREAM: `http://127.0.0.1:${app.port}`, ...withFile, ...env });
  } catch (err) {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    h,
    app,
    port: Number(new URL(h.baseUrl).port),
    async stop() {
      await h.stop();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sends `text` on a fresh connection and resolves with everything read until the server closes it or `ms` pass. */
export function rawExchange(port: number, text: string, ms = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let received = '';
    const timer = setTimeout(() => socket.destroy(), ms);
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

/** An open WebSocket whose messages are read in order. */
export interface OpenSocket {
  send(text: string): void;
  next(): Promise<string>;
  close(): void;
}

/**
 * Opens a WebSocket with extra request headers (a Cookie), as a browser would send them.
 * @throws when the upgrade is refused
 */
export async function openWebSocket(url: string, headers: Record<string, string> = {}): Promise<OpenSocket> {
  const ws = new WebSocket(url, { headers });
  const queue: string[] = [];
  const waiting: Array<(text: string) => void> = [];
  ws.addEventListener('message', (event) => {
    const text = String(event.data);
    const waiter = waiting.shift();
    if (waiter) waiter(text);
    else queue.push(text);
  });
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('error', () => reject(new Error(`WebSocket ${url} refused`)));
  });
  return {
    send: (text) => ws.send(text),
    next: () => {
      const ready = queue.shift();
      return ready !== undefined ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
    },
    close: () => ws.close(),
  };
}

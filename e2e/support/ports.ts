import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Asks the kernel for a free TCP port on a loopback address.
 *
 * The port is released before returning, so another process could take it first; that race is
 * accepted because every caller binds it within milliseconds.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

/** Resolves with `count` distinct free loopback ports. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports = new Set<number>();
  // Bounded: the kernel hands out distinct ephemeral ports, a duplicate is only a rare repeat.
  for (let attempt = 0; ports.size < count && attempt < count * 10; attempt++) {
    ports.add(await freePort(host));
  }
  if (ports.size < count) throw new Error(`could not find ${count} free ports`);
  return [...ports];
}

/** Options for {@link waitForPort}. */
export interface WaitForPortOptions {
  host?: string;
  tries?: number;
  intervalMs?: number;
  /** Checked before each try; a returned string aborts the wait with that message. */
  abortReason?: () => string | undefined;
}

/** Polls until a TCP connection to `host:port` succeeds, or throws after `tries` attempts. */
export async function waitForPort(port: number, options: WaitForPortOptions = {}): Promise<void> {
  const { host = '127.0.0.1', tries = 100, intervalMs = 50, abortReason } = options;
  for (let attempt = 0; attempt < tries; attempt++) {
    const reason = abortReason?.();
    if (reason !== undefined) throw new Error(reason);
    if (await canConnect(port, host)) return;
    await sleep(intervalMs);
  }
  throw new Error(`nothing listens on ${host}:${port} after ${tries} tries`);
}

function canConnect(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.setTimeout(1000);
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

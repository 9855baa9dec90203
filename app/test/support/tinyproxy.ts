/**
 * A real forward proxy for the egress tests: Debian's tinyproxy in the foreground on a free
 * loopback port, configured and logging in its own temporary directory. Its log names every
 * request it forwarded ("GET http://…") and every tunnel it opened ("CONNECT host:port"), which
 * is how a test proves a call went through it.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLogged } from '../../../e2e/support/child-process.ts';
import { killAtExit } from '../../../e2e/support/exit-cleanup.ts';
import { freePort } from '../../../e2e/support/ports.ts';
import { eventually } from './eventually.ts';

/** Where Debian installs it (scripts/install-system-deps.sh). */
export const TINYPROXY = '/usr/bin/tinyproxy';

/** True when tinyproxy is installed; tests skip without it. */
export const hasTinyproxy = (): boolean => existsSync(TINYPROXY);

/** A running tinyproxy. */
export interface Tinyproxy {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** The request lines it logged so far: `GET http://host:port/path HTTP/1.1`, `CONNECT host:port HTTP/1.1`. */
  requests(): Promise<string[]>;
  /** Stops this process by its PID and removes its directory. */
  stop(): Promise<void>;
}

function accepts(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

/**
 * Starts tinyproxy. `connectPorts` limits the ports it opens CONNECT tunnels to (others get 403);
 * without it every port is allowed.
 */
export async function startTinyproxy(options: { readonly connectPorts?: readonly number[] } = {}): Promise<Tinyproxy> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-tinyproxy-'));
  const port = await freePort();
  const logFile = join(dir, 'tinyproxy.log');
  const conf = join(dir, 'tinyproxy.conf');
  await writeFile(
    conf,
    [
      `Port ${port}`,
      'Listen 127.0.0.1',
      'Allow 127.0.0.1',
      `LogFile "${logFile}"`,
      `PidFile "${join(dir, 'tinyproxy.pid')}"`,
      // CONNECT is the level that logs each request line.
      'LogLevel Connect',
      'MaxClients 20',
      'Timeout 30',
      ...(options.connectPorts ?? []).map((allowed) => `ConnectPort ${allowed}`),
      '',
    ].join('\n'),
  );
  const child = spawnLogged(TINYPROXY, ['-d', '-c', conf]);
  killAtExit(child);
  try {
    await eventually(() => accepts(port), 50, 100);
  } catch (error) {
    await child.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`tinyproxy did not start: ${(error as Error).message}\n${child.logs()}`);
  }
  return {
    url: `http://127.0.0.1:${port}`,
    async requests() {
      const log = await readFile(logFile, 'utf8').catch(() => '');
      return [...log.matchAll(/: Request \(file descriptor \d+\): (.+)$/gm)].map((match) => match[1] as string);
    },
    async stop() {
      await child.stop('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

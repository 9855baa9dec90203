import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLogged } from './child-process.ts';
import { killAtExit, removeAtExit } from './exit-cleanup.ts';
import { freePort } from './ports.ts';
import { waitForRedis } from './redis-cli.ts';
import type { RedisServerHandle } from './redis-server.ts';

/** The master name every test sentinel monitors. */
export const SENTINEL_MASTER = 'gatehouse-master';

/** Options of {@link startRedisSentinel}. */
export interface RedisSentinelOptions {
  readonly port?: number;
  /** The master's password, when it has one (`sentinel auth-pass`). */
  readonly masterPassword?: string;
  /** The sentinel's own password (`requirepass`). */
  readonly password?: string;
}

/** A redis-server --sentinel child process on 127.0.0.1. */
export interface RedisSentinelHandle {
  readonly port: number;
  readonly masterName: string;
  readonly pid: number;
  logs(): string;
  /** SIGTERM, waits for the exit, removes the generated config. */
  stop(): Promise<void>;
}

/**
 * Starts a sentinel that monitors `master` as {@link SENTINEL_MASTER}, with a quorum of one, and
 * resolves once it reports the master's address.
 */
export async function startRedisSentinel(master: RedisServerHandle, options: RedisSentinelOptions = {}): Promise<RedisSentinelHandle> {
  const port = options.port ?? (await freePort());
  // Sentinel rewrites its config file, so it lives in a directory of its own.
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-sentinel-'));
  removeAtExit(dir);
  const conf = join(dir, 'sentinel.conf');
  const lines = [
    `port ${port}`,
    'bind 127.0.0.1',
    'daemonize no',
    `dir ${dir}`,
    `sentinel monitor ${SENTINEL_MASTER} 127.0.0.1 ${master.port} 1`,
    `sentinel down-after-milliseconds ${SENTINEL_MASTER} 1000`,
    `sentinel failover-timeout ${SENTINEL_MASTER} 5000`,
    ...(options.masterPassword !== undefined ? [`sentinel auth-pass ${SENTINEL_MASTER} ${options.masterPassword}`] : []),
    ...(options.password !== undefined ? [`requirepass ${options.password}`] : []),
  ];
  await writeFile(conf, `${lines.join('\n')}\n`);
  const child = spawnLogged('redis-server', [conf, '--sentinel']);
  killAtExit(child);
  const stop = async (): Promise<void> => {
    await child.stop('SIGTERM');
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForRedis(port, {
      password: options.password,
      command: ['SENTINEL', 'get-master-addr-by-name', SENTINEL_MASTER],
      expect: (reply) => reply.split('\n').map((line) => line.trim()).includes(String(master.port)),
      abortReason: () => {
        const status = child.exitStatus();
        return status === undefined ? undefined : `redis sentinel exited (${status})`;
      },
    });
  } catch (error) {
    await stop();
    throw new Error(`redis sentinel on port ${port} did not start: ${(error as Error).message}\n${child.logs()}`);
  }
  return { port, masterName: SENTINEL_MASTER, pid: child.pid, logs: child.logs, stop };
}

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLogged, type LoggedChild } from './child-process.ts';
import { killAtExit, removeAtExit } from './exit-cleanup.ts';
import { freePort } from './ports.ts';
import { waitForRedis, type RedisCliAuth } from './redis-cli.ts';

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** A free port is picked when not given. */
  readonly port?: number;
  /** The working directory (AOF, nodes.conf); when not given, a temporary one removed when the process exits. */
  readonly dir?: string;
  readonly appendOnly?: boolean;
  /** Sets `requirepass`, the password of the default user. */
  readonly password?: string;
  /** Adds an ACL user with every permission. */
  readonly aclUser?: { readonly name: string; readonly password: string };
  /** Serve TLS only, on `port`, with these files (see tls-certificates.ts). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string; readonly caFile: string };
  /** More `--name value` arguments, appended last. */
  readonly extraArgs?: readonly string[];
}

/** A redis-server child process on 127.0.0.1. */
export interface RedisServerHandle {
  readonly port: number;
  /** redis://127.0.0.1:port (rediss: with TLS), without credentials. */
  readonly url: string;
  readonly dir: string;
  /** The current process id; a restart changes it. */
  readonly pid: number;
  /** Everything the current process wrote. */
  logs(): string;
  /** SIGTERM (Redis writes its AOF and exits cleanly) and waits for the exit; the dir is kept. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash, and waits for the exit. */
  kill(): Promise<void>;
  /** Stops the server if it runs and starts it again on the same port with the same dir. */
  restart(): Promise<void>;
}

/** The credentials (and CA) a helper can use to talk to a server it started. */
function serverAuth(options: RedisServerOptions): RedisCliAuth {
  const tls = options.tls ? { tlsCaFile: options.tls.caFile } : {};
  if (options.aclUser) return { user: options.aclUser.name, password: options.aclUser.password, ...tls };
  return options.password !== undefined ? { password: options.password, ...tls } : tls;
}

/**
 * Starts `redis-server` in the foreground and resolves once it answers PING.
 * @throws Error with the server's output when it exits or does not answer in time
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? (await temporaryDir());
  const args = [
    '--bind', '127.0.0.1',
    ...(options.tls
      ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', options.tls.certFile,
          '--tls-key-file', options.tls.keyFile, '--tls-ca-cert-file', options.tls.caFile, '--tls-auth-clients', 'no']
      : ['--port', String(port)]),
    '--dir', dir,
    '--save', '',
    '--appendonly', options.appendOnly ? 'yes' : 'no',
    '--daemonize', 'no',
    ...(options.password !== undefined ? ['--requirepass', options.password] : []),
    ...(options.aclUser ? ['--user', options.aclUser.name, 'on', `>${options.aclUser.password}`, '~*', '&*', '+@all'] : []),
    ...(options.extraArgs ?? []),
  ];
  let child: LoggedChild | undefined;
  const launch = async (): Promise<void> => {
    const started = spawnLogged('redis-server', args);
    killAtExit(started);
    child = started;
    try {
      await waitForRedis(port, {
        ...serverAuth(options),
        abortReason: () => {
          const status = started.exitStatus();
          return status === undefined ? undefined : `redis-server exited (${status})`;
        },
      });
    } catch (error) {
      await started.stop('SIGKILL');
      throw new Error(`redis-server on port ${port} did not start: ${(error as Error).message}\n${started.logs()}`);
    }
  };
  const terminate = async (signal: NodeJS.Signals): Promise<void> => {
    await child?.stop(signal);
  };
  await launch();

  return {
    port,
    url: `${options.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    dir,
    get pid() {
      return child?.pid ?? -1;
    },
    logs: () => child?.logs() ?? '',
    stop: () => terminate('SIGTERM'),
    kill: () => terminate('SIGKILL'),
    async restart() {
      await terminate('SIGTERM');
      await launch();
    },
  };
}

async function temporaryDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-redis-'));
  // Not removed by stop(): a test may stop a server and restart it on its data.
  removeAtExit(dir);
  return dir;
}

import { execFile } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** How redis-cli authenticates, and whether it speaks TLS. */
export interface RedisCliAuth {
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  /** Connect with TLS, trusting this CA certificate file. */
  readonly tlsCaFile?: string | undefined;
}

/** Runs one redis-cli command against 127.0.0.1:`port` and resolves with its trimmed output. */
export function redisCli(port: number, args: readonly string[], auth: RedisCliAuth = {}, timeoutMs = 5000): Promise<string> {
  const authArgs = [
    ...(auth.user !== undefined ? ['--user', auth.user] : []),
    ...(auth.password !== undefined ? ['--pass', auth.password, '--no-auth-warning'] : []),
    ...(auth.tlsCaFile !== undefined ? ['--tls', '--cacert', auth.tlsCaFile] : []),
  ];
  return new Promise((resolve, reject) => {
    execFile(
      'redis-cli',
      ['-h', '127.0.0.1', '-p', String(port), ...authArgs, ...args],
      { timeout: timeoutMs, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`redis-cli ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
        else resolve(stdout.trim());
      },
    );
  });
}

/** Options for {@link waitForRedis}. */
export interface WaitForRedisOptions extends RedisCliAuth {
  /** The command to poll with; PING by default. */
  readonly command?: readonly string[];
  /** Whether a reply means ready; `reply === 'PONG'` by default. */
  readonly expect?: (reply: string) => boolean;
  readonly tries?: number;
  readonly intervalMs?: number;
  /** Checked before each try; a returned string aborts the wait with that message. */
  readonly abortReason?: () => string | undefined;
}

/** Polls until the server on `port` answers as expected (PING → PONG by default), bounded. */
export async function waitForRedis(port: number, options: WaitForRedisOptions = {}): Promise<void> {
  const { command = ['PING'], expect = (reply) => reply === 'PONG', tries = 200, intervalMs = 25 } = options;
  let last = '';
  for (let attempt = 0; attempt < tries; attempt++) {
    const reason = options.abortReason?.();
    if (reason !== undefined) throw new Error(reason);
    try {
      last = await redisCli(port, command, options, 2000);
      if (expect(last)) return;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(intervalMs);
  }
  throw new Error(`Redis on port ${port} did not answer ${command.join(' ')} as expected after ${tries} tries; last reply: ${last}`);
}

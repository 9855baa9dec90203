/**
 * Runs Redis operations so that each one settles within the timeout and any failure surfaces as
 * StoreUnavailableError: the connection state is watched, an operation on a connection known to
 * be down fails at once, and one issued while the first connection is still being made waits
 * for it (bounded) instead of failing a request that arrives just after start-up.
 */
import { performance } from 'node:perf_hooks';
import type { RedisClient } from './redis-client.ts';
import { StoreUnavailableError } from './store.ts';

/** Reports how one operation went, for metrics. */
export type ObserveOperation = (operation: string, seconds: number, ok: boolean) => void;

/** Options of {@link createRedisGuard}. */
export interface RedisGuardOptions {
  /** Upper bound for one operation, waiting for the connection included. */
  readonly timeoutMs: number;
  /** Strings replaced by `***` in every message (passwords). */
  readonly secrets: readonly string[];
  readonly observe?: ObserveOperation | undefined;
}

/** Runs operations against a watched client. */
export interface RedisGuard {
  /** Runs `operation`; it resolves with its result or rejects with StoreUnavailableError. */
  run<T>(operation: string, action: () => Promise<T>): Promise<T>;
  /** Ends the client: QUIT, or a hard disconnect when QUIT does not finish in time. */
  close(): Promise<void>;
}

/** Watches `client` and returns the guard for its operations. */
export function createRedisGuard(client: RedisClient, options: RedisGuardOptions): RedisGuard {
  const { timeoutMs, secrets, observe } = options;
  const redact = (text: string): string => secrets.reduce((out, secret) => out.split(secret).join('***'), text);
  // Set once a connection attempt failed or a connection was lost; cleared when one is ready.
  let down = false;
  let closed = false;
  let lastProblem: string | undefined;
  let waiters: Array<() => void> = [];
  const wake = (): void => {
    const woken = waiters;
    waiters = [];
    for (const resolve of woken) resolve();
  };
  client.on('ready', () => {
    down = false;
    lastProblem = undefined;
    wake();
  });
  // Without an 'error' listener ioredis would log every failed reconnect; the message is kept
  // for the next operation's error instead.
  client.on('error', (error: unknown) => {
    down = true;
    lastProblem = redact(error instanceof Error ? error.message : String(error));
    wake();
  });
  client.on('close', () => {
    down = true;
    lastProblem ??= 'connection closed';
    wake();
  });
  client.on('end', () => {
    down = true;
    wake();
  });

  const notConnected = (): Error =>
    new Error(`not connected to Redis${lastProblem === undefined ? '' : ` (${lastProblem})`}`);

  // A function, not an inline comparison, because the status changes across the await below.
  const isReady = (): boolean => client.status === 'ready';
  const connected = async (): Promise<void> => {
    if (isReady()) return;
    if (!down && !closed) await new Promise<void>((resolve) => waiters.push(resolve));
    if (!isReady()) throw notConnected();
  };

  // Deadlines of operations in flight, checked by one sweeping timer: a timer per command (ioredis's
  // commandTimeout) costs more than the command on the hot path. An operation fails between
  // timeoutMs and 1.25 × timeoutMs after it started; this also bounds Cluster commands for a dead
  // node's slots, which commandTimeout does not.
  const deadlines = new Set<{ at: number; fail: (error: Error) => void }>();
  let sweeper: NodeJS.Timeout | undefined;
  const sweep = (): void => {
    const t = performance.now();
    for (const deadline of deadlines) {
      if (t - deadline.at < timeoutMs) continue;
      deadlines.delete(deadline);
      deadline.fail(new Error(`no answer from Redis within ${timeoutMs} ms`));
    }
    if (deadlines.size === 0 && sweeper !== undefined) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };
  const withDeadline = <T>(promise: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const deadline = { at: performance.now(), fail: reject };
      deadlines.add(deadline);
      if (sweeper === undefined) {
        sweeper = setInterval(sweep, Math.max(5, Math.floor(timeoutMs / 4)));
        sweeper.unref();
      }
      promise.then(
        (value) => {
          deadlines.delete(deadline);
          resolve(value);
        },
        (error: unknown) => {
          deadlines.delete(deadline);
          reject(error);
        },
      );
    });

  // ioredis attaches the failed command with its arguments (keys naming session ids, sealed
  // values) to an error reply; the cause keeps what helps diagnose and leaves those out of logs.
  const causeOf = (error: unknown): unknown => {
    if (!(error instanceof Error)) return error;
    const cause = new Error(redact(error.message));
    cause.name = error.name;
    cause.stack = redact(error.stack ?? '');
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? cause : Object.assign(cause, { code });
  };

  const unavailable = (operation: string, error: unknown): StoreUnavailableError => {
    const reason = redact(error instanceof Error ? error.message : String(error));
    return new StoreUnavailableError(`Redis ${operation} failed: ${reason}`, { cause: causeOf(error) });
  };

  return {
    run(operation, action) {
      const started = performance.now();
      const done = (ok: boolean): void => observe?.(operation, (performance.now() - started) / 1000, ok);
      let pending: ReturnType<typeof action>;
      try {
        if (closed) throw new Error('the store is closed');
        pending = withDeadline(isReady() ? action() : connected().then(action));
      } catch (error) {
        done(false);
        return Promise.reject(unavailable(operation, error));
      }
      return pending.then(
        (result) => {
          done(true);
          return result;
        },
        (error: unknown) => {
          done(false);
          throw unavailable(operation, error);
        },
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      wake();
      try {
        await withDeadline(client.quit());
      } catch {
        // QUIT failed or hung (Redis unreachable): drop the sockets and stop reconnecting.
        client.disconnect();
      }
    },
  };
}

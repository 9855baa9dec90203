/**
 * Making sure a piece of work runs once however many ask for it: within a process, callers with
 * the same key share one promise (single-flight); across replicas, a lock in the shared cache
 * lets one replica work while the others wait — bounded — for its result.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BackendUnavailableError } from './errors.ts';

/** Runs `work` for `key` unless a run for `key` is in flight, whose result is then shared. */
export type SingleFlight<T> = (key: string, work: () => Promise<T>) => Promise<T>;

/** Creates a single-flight group; a key is free again as soon as its run settles. */
export function createSingleFlight<T>(): SingleFlight<T> {
  const inFlight = new Map<string, Promise<T>>();
  return (key, work) => {
    const running = inFlight.get(key);
    if (running) return running;
    const started = work().finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  };
}

/** A lock with expiry, as the credential cache provides it. */
export interface Lockable {
  lock(key: string, ttlMs: number): Promise<string | undefined>;
  unlock(key: string, token: string): Promise<void>;
}

/** How long a lock is held at most, and how long and how often a waiter tries. */
export interface LockTiming {
  /** Must exceed the longest the work can take, or a second replica may start it too. */
  readonly ttlMs: number;
  readonly waitMs: number;
  readonly pollMs: number;
}

/**
 * Runs `work` holding the lock `key`. While another holds it, `whileWaiting` is asked between
 * tries for a result the holder may have produced; the wait is bounded by `timing.waitMs`.
 * @param onUnlockFailure - told when the lock could not be released (it then expires by itself)
 * @throws BackendUnavailableError `lock_timeout` when neither the lock nor a result came in time
 */
export async function withLock<T>(
  locks: Lockable,
  key: string,
  timing: LockTiming,
  whileWaiting: () => Promise<T | undefined>,
  work: () => Promise<T>,
  onUnlockFailure: (error: unknown) => void,
): Promise<T> {
  const tries = Math.max(1, Math.ceil(timing.waitMs / timing.pollMs));
  for (let attempt = 0; attempt < tries; attempt++) {
    const token = await locks.lock(key, timing.ttlMs);
    if (token !== undefined) {
      try {
        return await work();
      } finally {
        await locks.unlock(key, token).catch(onUnlockFailure);
      }
    }
    const result = await whileWaiting();
    if (result !== undefined) return result;
    await sleep(timing.pollMs);
  }
  throw new BackendUnavailableError('lock_timeout', `the lock ${key} stayed held for ${timing.waitMs} ms`);
}

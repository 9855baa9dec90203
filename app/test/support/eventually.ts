/** Bounded polling for tests that wait on something outside the process (a restarted server). */
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Calls `check` until it resolves, at most `tries` times `intervalMs` apart.
 * @throws Error with the last failure when it never resolves
 */
export async function eventually<T>(check: () => Promise<T>, tries = 100, intervalMs = 100): Promise<T> {
  let last: unknown;
  for (let attempt = 0; attempt < tries; attempt++) {
    try {
      return await check();
    } catch (error) {
      last = error;
      await sleep(intervalMs);
    }
  }
  throw new Error(`still failing after ${tries} tries: ${String(last)}`);
}

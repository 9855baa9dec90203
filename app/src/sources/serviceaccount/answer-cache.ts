/**
 * Remembers the Kubernetes API's answers for a short, bounded time, keyed by a SHA-256 digest of
 * what was asked (never the token itself), so a client repeating its token costs one review:
 * a remembered answer is returned synchronously, and checks arriving while a review is in flight
 * wait for that one review instead of sending their own.
 */
import { createHash } from 'node:crypto';

/** An answer and until when (epoch ms) it may be reused; `until` at or before now: not remembered. */
export interface Remembered<T> {
  readonly value: T;
  readonly until: number;
}

/** The cache of one kind of review. */
export interface AnswerCache<T> {
  /** The remembered answer for `key`, the one in flight, or a new one from `ask`. */
  answer(key: string, ask: () => Promise<Remembered<T>>): T | Promise<T>;
  /** How many answers are remembered now (for tests). */
  readonly size: number;
}

/** The SHA-256 of `text`, base64url: a cache key that does not hold the secret it stands for. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

/**
 * Creates a cache of at most `maxEntries` answers; beyond it the oldest is dropped.
 * @param now - the clock, for tests
 */
export function createAnswerCache<T>(maxEntries: number, now: () => number): AnswerCache<T> {
  const entries = new Map<string, Remembered<T>>();
  const inFlight = new Map<string, Promise<T>>();
  return {
    answer(key, ask) {
      const known = entries.get(key);
      if (known !== undefined) {
        if (known.until > now()) return known.value;
        entries.delete(key);
      }
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      const asked = ask()
        .then((result) => {
          if (result.until > now()) {
            if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
            entries.set(key, result);
          }
          return result.value;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, asked);
      return asked;
    },
    get size() {
      return entries.size;
    },
  };
}

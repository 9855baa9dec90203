/**
 * The request-rate limiter of one replica: one window per key in a Map. Every window has the
 * same length, so the Map's insertion order is also the order windows end in: ended windows are
 * dropped from the front as new ones are made, and past `maxKeys` the window that ends soonest
 * goes first (that key starts over), so a flood from many addresses holds at most `maxKeys`.
 */
import { ALLOWED, type RateLimits, type RequestRateLimiter } from './request-rate-limiter.ts';

/**
 * Keys held at once by default: about 250 bytes each (measured), 5 MB at most. A key dropped early
 * only starts its count over, so a bound too small for a flood errs towards letting requests through.
 */
export const MAX_KEYS = 20_000;

interface Window {
  count: number;
  readonly until: number;
}

/** Options of {@link createMemoryRequestRateLimiter}. */
export interface MemoryRateLimiterOptions {
  readonly limits: RateLimits;
  readonly now?: () => number;
  readonly maxKeys?: number;
}

/** A memory limiter, and how many keys it holds (for tests of its bound). */
export interface MemoryRequestRateLimiter extends RequestRateLimiter {
  size(): number;
}

/** Creates the limiter. */
export function createMemoryRequestRateLimiter(options: MemoryRateLimiterOptions): MemoryRequestRateLimiter {
  const { limits, now = Date.now, maxKeys = MAX_KEYS } = options;
  const windows = new Map<string, Window>();

  const dropEnded = (t: number): void => {
    for (const [key, window] of windows) {
      if (window.until > t) return;
      windows.delete(key);
    }
  };

  return {
    async hit(key) {
      const t = now();
      dropEnded(t);
      let window = windows.get(key);
      // A clock stepped back can leave an ended window behind a live one: checked here too.
      if (window !== undefined && window.until <= t) {
        windows.delete(key);
        window = undefined;
      }
      if (window === undefined) {
        if (windows.size >= maxKeys) windows.delete(windows.keys().next().value as string);
        window = { count: 0, until: t + limits.windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      return window.count <= limits.limit ? ALLOWED : { allowed: false, retryAfterMs: window.until - t };
    },
    size: () => windows.size,
  };
}

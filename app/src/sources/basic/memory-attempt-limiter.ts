/**
 * The attempt limiter of one replica: counters in a Map, each dropped once its window ends. The
 * Map is bounded; when an attack spreads over more logins and addresses than it holds, the
 * counters whose windows end soonest go first, so the blocks in force are the last to be lost.
 */
import { longer, type AttemptLimiter, type AttemptLimits, type Blocked, type AttemptScope } from './attempt-limiter.ts';

/** Counters held at once; beyond it the ones nearest to expiry are dropped. */
const MAX_COUNTERS = 100_000;

interface Counter {
  count: number;
  readonly until: number;
}

/** Options for {@link createMemoryAttemptLimiter}. */
export interface MemoryLimiterOptions {
  readonly limits: AttemptLimits;
  readonly now?: () => number;
  readonly maxCounters?: number;
}

/** Creates the limiter. */
export function createMemoryAttemptLimiter(options: MemoryLimiterOptions): AttemptLimiter {
  const { limits, now = Date.now, maxCounters = MAX_COUNTERS } = options;
  const counters = new Map<string, Counter>();

  const live = (key: string): Counter | undefined => {
    const counter = counters.get(key);
    if (counter && counter.until <= now()) {
      counters.delete(key);
      return undefined;
    }
    return counter;
  };

  const blockOf = (scope: AttemptScope, key: string | undefined, limit: number): Blocked | undefined => {
    if (key === undefined) return undefined;
    const counter = live(`${scope}:${key}`);
    return counter && counter.count >= limit ? { scope, retryAfterMs: counter.until - now() } : undefined;
  };

  const evict = (): void => {
    const t = now();
    for (const [key, counter] of counters) if (counter.until <= t) counters.delete(key);
    if (counters.size < maxCounters) return;
    const byExpiry = [...counters].sort((a, b) => a[1].until - b[1].until);
    for (const [key] of byExpiry.slice(0, counters.size - maxCounters + Math.ceil(maxCounters / 10))) counters.delete(key);
  };

  const count = (key: string): void => {
    const counter = live(key);
    if (counter) {
      counter.count += 1;
      return;
    }
    if (counters.size >= maxCounters) evict();
    counters.set(key, { count: 1, until: now() + limits.windowMs });
  };

  return {
    blocked: (keys) => longer(blockOf('user', keys.user, limits.perUser), blockOf('client', keys.client, limits.perClient)),
    async failed(keys) {
      count(`user:${keys.user}`);
      if (keys.client !== undefined) count(`client:${keys.client}`);
    },
    async succeeded(keys) {
      counters.delete(`user:${keys.user}`);
    },
    async close() {
      counters.clear();
    },
  };
}

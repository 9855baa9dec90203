/**
 * Counts for a prom-client Counter kept as plain numbers and added to the counter when metrics are
 * scraped. The hot path then pays one Map lookup and an addition per count instead of prom-client's
 * label hashing; a scrape sees every count made before it.
 */
import type { Counter } from 'prom-client';

/** A set of counts for one counter. */
export interface Tally<L extends string> {
  /** Adds one to the count for `labels`, identified by `key` (the same key must always mean the same labels). */
  inc(key: string, labels: Partial<Record<L, string | number>>): void;
  /** Adds the pending counts to the counter. */
  flush(): void;
}

/** Creates a tally for `counter`. */
export function createTally<L extends string>(counter: Counter<L>): Tally<L> {
  const pending = new Map<string, { labels: Partial<Record<L, string | number>>; count: number }>();
  return {
    inc(key, labels) {
      const entry = pending.get(key);
      if (entry) entry.count += 1;
      else pending.set(key, { labels, count: 1 });
    },
    flush() {
      for (const entry of pending.values()) {
        if (entry.count === 0) continue;
        counter.inc(entry.labels, entry.count);
        entry.count = 0;
      }
    },
  };
}

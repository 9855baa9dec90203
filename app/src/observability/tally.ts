/**
 * Counts for a prom-client Counter kept as plain numbers and added to the counter when metrics are
 * scraped. The hot path holds the count of its labels and adds one to it: no label object, key
 * string or lookup per count; a scrape sees every count made before it.
 */
import type { Counter } from 'prom-client';

/** One set of labels' count; the hot path adds to `count` directly. */
export interface TallyCount {
  count: number;
}

/** A set of counts for one counter. */
export interface Tally<L extends string> {
  /** The count of `labels`: the same object for the same labels, to be kept by the caller. */
  countOf(labels: Readonly<Record<L, string>>): TallyCount;
  /** Adds the pending counts to the counter. */
  flush(): void;
}

/** One key per label set, whatever order its labels were written in: for maps of counts and series. */
export function labelKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Creates a tally for `counter`. */
export function createTally<L extends string>(counter: Counter<L>): Tally<L> {
  const pending = new Map<string, { readonly labels: Readonly<Record<L, string>>; count: number }>();
  return {
    countOf(labels) {
      // Asked once per distinct label set by each caller, which then keeps the count.
      const key = labelKey(labels);
      let entry = pending.get(key);
      if (entry === undefined) {
        entry = { labels: Object.freeze({ ...labels }), count: 0 };
        pending.set(key, entry);
      }
      return entry;
    },
    flush() {
      for (const entry of pending.values()) {
        if (entry.count === 0) continue;
        counter.inc(entry.labels as Partial<Record<L, string>>, entry.count);
        entry.count = 0;
      }
    },
  };
}

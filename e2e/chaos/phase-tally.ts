/**
 * What one phase of the chaos load saw: each answer counted by series (path, route, valid or not)
 * and status, its latency, and what must never happen, each occurrence described (bounded).
 */

/** What one phase saw, by series (path, route, valid or not) and status. */
export interface PhaseTally {
  readonly name: string;
  readonly startedAt: number;
  endedAt: number | undefined;
  /** series → status (a number, `timeout` or `error:<code>`) → count */
  readonly counts: Map<string, Map<string, number>>;
  /** series → latencies in ms */
  readonly latencies: Map<string, number[]>;
  /** Things that must never happen, each described once per occurrence (bounded). */
  readonly violations: string[];
  /** Requests sent again because a reused keep-alive connection was closed under them. */
  retries: number;
}

const MAX_VIOLATIONS = 200;

/** A new phase named `name`, starting now. */
export function newPhase(name: string): PhaseTally {
  return { name, startedAt: performance.now(), endedAt: undefined, counts: new Map(), latencies: new Map(), violations: [], retries: 0 };
}

/** Counts one answer of `series` in `tally`: its status, its latency and, if it is one, the violation. */
export function recordAnswer(tally: PhaseTally, series: string, status: string, ms: number, violation: string | undefined): void {
  const counts = tally.counts.get(series) ?? new Map<string, number>();
  tally.counts.set(series, counts);
  counts.set(status, (counts.get(status) ?? 0) + 1);
  const latencies = tally.latencies.get(series) ?? [];
  tally.latencies.set(series, latencies);
  latencies.push(ms);
  if (violation && tally.violations.length < MAX_VIOLATIONS) tally.violations.push(violation);
}

/** The statuses of one phase summed over the series matching `filter`. */
export function statusesOf(tally: PhaseTally, filter: (series: string) => boolean): Map<string, number> {
  const sum = new Map<string, number>();
  for (const [series, counts] of tally.counts) {
    if (!filter(series)) continue;
    for (const [status, count] of counts) sum.set(status, (sum.get(status) ?? 0) + count);
  }
  return sum;
}

/** The largest latency of one phase over the series matching `filter`, in ms. */
export function maxLatency(tally: PhaseTally, filter: (series: string) => boolean): number {
  let max = 0;
  for (const [series, values] of tally.latencies) if (filter(series)) for (const v of values) max = Math.max(max, v);
  return max;
}

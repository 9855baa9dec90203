/**
 * What a soak must show: after a warm-up, nothing grows beyond a bound and the event loop stays
 * responsive. Growth is measured from the last sample of the warm-up to the highest sample after
 * it, so a leak shows however the garbage collector happens to time its work.
 */
import type { SoakSample } from './soak-sampler.ts';

/** The stated bounds. */
export const SOAK_BOUNDS = {
  /** Samples before this are the warm-up: JIT, caches filling, the heap finding its size. */
  warmupSeconds: 20,
  rssGrowthMiB: 32,
  /** The heap in use swings with the young generation between collections; this is well above that. */
  heapUsedGrowthMiB: 32,
  fdGrowth: 10,
  /** gatehouse keeps two connections (commands, pub/sub); their number must not change. */
  redisClientChange: 0,
  /** The 99th percentile of event-loop delay in every 10 s window. */
  lagP99Ms: 250,
} as const;

/** Every bound the samples break, described; empty when all hold. */
export function soakProblems(samples: readonly SoakSample[]): string[] {
  const warm = samples.filter((s) => s.t <= SOAK_BOUNDS.warmupSeconds).at(-1);
  const after = samples.filter((s) => s.t > SOAK_BOUNDS.warmupSeconds);
  if (!warm || after.length === 0) return ['not enough samples after the warm-up'];
  const problems: string[] = [];
  const growth = (pick: (s: SoakSample) => number): number => Math.max(...after.map(pick)) - pick(warm);
  const rss = growth((s) => s.rssMiB);
  if (rss > SOAK_BOUNDS.rssGrowthMiB) problems.push(`RSS grew ${rss.toFixed(1)} MiB after the warm-up (bound ${SOAK_BOUNDS.rssGrowthMiB})`);
  const heap = growth((s) => s.heapUsedMiB);
  if (heap > SOAK_BOUNDS.heapUsedGrowthMiB) problems.push(`heap in use grew ${heap.toFixed(1)} MiB (bound ${SOAK_BOUNDS.heapUsedGrowthMiB})`);
  const fds = growth((s) => s.fds);
  if (fds > SOAK_BOUNDS.fdGrowth) problems.push(`open file descriptors grew by ${fds} (bound ${SOAK_BOUNDS.fdGrowth})`);
  const redis = after.map((s) => s.redisClients).filter((n): n is number => n !== undefined);
  if (redis.some((n) => Math.abs(n - (warm.redisClients ?? n)) > SOAK_BOUNDS.redisClientChange)) {
    problems.push(`Redis connections changed: ${warm.redisClients} → ${redis.join(', ')}`);
  }
  const laggy = samples.filter((s) => s.t > 0 && s.lagP99Ms > SOAK_BOUNDS.lagP99Ms);
  if (laggy.length > 0) problems.push(`event-loop delay p99 above ${SOAK_BOUNDS.lagP99Ms} ms at ${laggy.map((s) => `${s.t} s (${s.lagP99Ms.toFixed(0)} ms)`).join(', ')}`);
  const wrong = samples.at(-1)?.wrong ?? 0;
  if (wrong > 0) problems.push(`${wrong} checks answered other than 200 for a valid session or 401 otherwise`);
  return problems;
}

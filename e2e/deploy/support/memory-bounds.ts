/**
 * What the image must show under the chart's memory limit, and the figures a run reports: the
 * limit is read from chart/values.yaml, so the test follows the chart's default.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './helm.ts';
import { quantityBytes } from './memory-cgroup.ts';
import { mib, type MemoryRunResult } from './memory-run.ts';

/** The stated bounds. */
export const MEMORY_BOUNDS = {
  /** How long the image is driven at its maximum rate (IMAGE_LOAD_SECONDS to change). */
  loadSeconds: Number(process.env.IMAGE_LOAD_SECONDS ?? 120),
  /** The cgroup's highest usage, page cache included, stays below this share of the limit. */
  peakShare: 0.75,
  /** Checks per second below which the run says nothing about load. */
  minRate: 200,
} as const;

/** The chart's default `resources.limits.memory`, in bytes. */
export function chartMemoryLimit(): number {
  const values = parse(readFileSync(join(REPO_ROOT, 'chart', 'values.yaml'), 'utf8')) as { resources?: { limits?: { memory?: string } } };
  const limit = values.resources?.limits?.memory;
  if (!limit) throw new Error('chart/values.yaml sets no resources.limits.memory');
  return quantityBytes(limit);
}

/** One line of figures for the log. */
export function memoryFigures(run: MemoryRunResult, limitBytes: number): string {
  const peakAnon = Math.max(...run.loaded.map((r) => r.anonBytes));
  return `limit ${mib(limitBytes)} MiB (cgroup v${run.final.version}): idle ${mib(run.idle.usageBytes)} MiB (anon ${mib(run.idle.anonBytes)}), ` +
    `${run.rate.toFixed(0)} checks/s for ${run.loaded.length * 5} s, peak ${mib(run.final.peakBytes)} MiB (anon ${mib(peakAnon)}), ` +
    `limit reached ${run.final.limitHits} times, OOM kills ${run.final.oomKills}`;
}

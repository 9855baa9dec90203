/**
 * What `make bench` writes besides its printed tables: results.json (every number of the run),
 * results.md (the tables) and benchmark.svg (the plot) in BENCH_OUTPUT, by default bench/results/.
 * docs/performance.md quotes such a run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { renderBenchSvg } from './report-svg.ts';

/** One closed-loop row, compared with the bare Node server of the same run. */
export interface ThroughputRow {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly ratio: number;
  readonly minRatio: number | undefined;
  /** CPU µs the servers spent per request (gatehouse and redis-server for a Redis row), median of the rounds. */
  readonly cpuMicrosPerRequest: number;
  /** The bare server's CPU per request ÷ this row's: the ratio a quiet machine's requests/s would show. */
  readonly cpuRatio: number;
}

/** One path's latency at a fixed rate through nginx. */
export interface LatencyRow {
  readonly name: string;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  /** The generator's own lateness (p99), part of the latencies above. */
  readonly sendLagP99Ms: number;
  /** p99 ÷ the p99 of the path without auth (1 for that path). */
  readonly p99Ratio: number;
}

/** The nginx comparison, when it ran. */
export interface NginxSection {
  readonly rate: number;
  /** Each path's closed-loop maximum (wrk), requests/s. */
  readonly maxima: readonly { readonly name: string; readonly requestsPerSecond: number }[];
  /** The path without auth first. */
  readonly rows: readonly LatencyRow[];
  /** The target: p99 through gatehouse at most this many times p99 without. */
  readonly maxP99Ratio: number;
  /** Paths and rounds with answers other than 2xx: the run fails. */
  readonly problems: readonly string[];
}

/** Everything a run found. */
export interface BenchReport {
  readonly settings: { readonly seconds: number; readonly rounds: number; readonly connections: number };
  readonly throughput: readonly ThroughputRow[];
  /** Free-form lines: seeding times, Redis memory, ratios between rows. */
  readonly notes: readonly string[];
  readonly nginx: NginxSection | undefined;
}

const fixed = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : '–');

/** The run's tables as Markdown. */
export function reportMarkdown(report: BenchReport, machine: string): string {
  const { rounds } = report.settings;
  const lines = [`${machine}`, '', ...throughputMarkdown(report.throughput, report.settings)];
  if (report.notes.length > 0) lines.push('', ...report.notes.map((note) => `- ${note}`));
  const nginx = report.nginx;
  if (nginx) {
    lines.push('', ...nginxMarkdown(nginx, rounds));
  }
  return `${lines.join('\n')}\n`;
}

/** The closed-loop rows as Markdown lines, their settings first. */
export function throughputMarkdown(rows: readonly ThroughputRow[], settings: BenchReport['settings']): string[] {
  return [
    `wrk -t1 -c${settings.connections} -d${settings.seconds}s, best of ${settings.rounds} alternating rounds`,
    '',
    '| target | requests/s | p50 ms | p99 ms | ratio to bare | target ratio | CPU µs per request | CPU ratio to bare |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${Math.round(row.requestsPerSecond).toLocaleString('en-US')} | ${fixed(row.p50Ms)} | ${fixed(row.p99Ms)} | ${fixed(row.ratio)} | ${row.minRatio === undefined ? '' : `>= ${row.minRatio}`} | ${fixed(row.cpuMicrosPerRequest, 1)} | ${fixed(row.cpuRatio)} |`,
    ),
  ];
}

/** The nginx comparison as Markdown lines. */
export function nginxMarkdown(nginx: NginxSection, rounds: number): string[] {
  const maxima = nginx.maxima.map(({ name, requestsPerSecond }) => `${name}: ${Math.round(requestsPerSecond).toLocaleString('en-US')}/s`).join('; ');
  return [
    `Through nginx at ${nginx.rate.toLocaleString('en-US')} requests/s, half of its closed-loop maximum through gatehouse (wrk: ${maxima}); latency from each request's due time, the round with the median p99 of ${rounds}:`,
    '',
    `| path | p50 ms | p90 ms | p99 ms | p99 ÷ no auth (target <= ${nginx.maxP99Ratio}) | generator lag p99 ms |`,
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...nginx.rows.map((row) => `| ${row.name} | ${fixed(row.p50Ms)} | ${fixed(row.p90Ms)} | ${fixed(row.p99Ms)} | ${fixed(row.p99Ratio)} | ${fixed(row.sendLagP99Ms)} |`),
    ...(nginx.problems.length > 0 ? ['', ...nginx.problems.map((problem) => `- ${problem}`)] : []),
  ];
}

/** One line naming the machine and how busy it was. */
export function describeMachine(): string {
  const [one, five, fifteen] = loadavg().map((n) => n.toFixed(2));
  return `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${one} / ${five} / ${fifteen} (1/5/15 min) at the end of the run`;
}

/**
 * Writes results.json, results.md and benchmark.svg.
 * @returns the directory written
 */
export function writeBenchReport(report: BenchReport, dir = process.env.BENCH_OUTPUT ?? join(import.meta.dirname, 'results')): string {
  mkdirSync(dir, { recursive: true });
  const machine = describeMachine();
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify({ machine, finishedAt: new Date().toISOString(), ...report }, null, 2)}\n`);
  writeFileSync(join(dir, 'results.md'), reportMarkdown(report, machine));
  writeFileSync(join(dir, 'benchmark.svg'), renderBenchSvg(report, machine));
  return dir;
}

/** Runs wrk pinned to one core and reads requests/s, p50 and p99 latency from its --latency report. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One load run's numbers. */
export interface WrkResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  /** Requests completed in the run. */
  readonly requests: number;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : n;
}

/** Parses wrk's text report. */
export function parseWrk(report: string): WrkResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(report);
  const p50 = /\s50%\s+([\d.]+)(us|ms|s)/.exec(report);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)/.exec(report);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(report);
  const requests = /(\d+) requests in /.exec(report);
  if (!rps || !p99) throw new Error(`cannot read wrk output:\n${report}`);
  return { requestsPerSecond: Number(rps[1]), p50Ms: p50 ? toMs(p50[1] ?? '0', p50[2] ?? 'ms') : Number.NaN, p99Ms: toMs(p99[1] ?? '0', p99[2] ?? 'ms'), non2xx: Number(non2xx?.[1] ?? 0), requests: Number(requests?.[1] ?? Number.NaN) };
}

/** A wrk Lua script and the arguments its init(args) gets, made afresh for each run. */
export interface WrkScript {
  readonly file: string;
  readonly args: () => string[];
}

/** Loads `url` for `seconds` with `connections` connections from one thread on `core`. */
export async function runWrk(
  url: string,
  options: { seconds: number; connections: number; core: number; headers?: Record<string, string>; script?: WrkScript | undefined },
): Promise<WrkResult> {
  const headerArgs = Object.entries(options.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const script = options.script;
  // wrk reads a script's arguments after "--", behind the URL.
  const scriptArgs = script ? { before: ['-s', script.file], after: ['--', ...script.args()] } : { before: [], after: [] };
  const { stdout } = await run(
    'taskset',
    ['-c', String(options.core), 'wrk', '-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency', ...headerArgs, ...scriptArgs.before, url, ...scriptArgs.after],
    { timeout: (options.seconds + 30) * 1000 },
  );
  return parseWrk(stdout);
}

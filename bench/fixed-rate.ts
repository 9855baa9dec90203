/** Runs the fixed-rate load generator (fixed-rate-client.ts) pinned to one core and reads its result. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What the generator sends. */
export interface FixedRateOptions {
  readonly url: string;
  /** Requests per second, due at even intervals. */
  readonly rate: number;
  readonly seconds: number;
  /** Keep-alive connections; a due request waits for a free one, and the wait counts. */
  readonly connections: number;
  /** One Cookie header value per line; each request draws one at random. */
  readonly cookieFile?: string | undefined;
}

/** Latency measured from each request's due time (coordinated omission corrected). */
export interface FixedRateResult {
  readonly rate: number;
  readonly sent: number;
  readonly completed: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The 99th percentile of how late the generator sent a request (its own scheduling, included above). */
  readonly sendLagP99Ms: number;
  readonly non2xx: number;
  /** The count of each status other than 2xx, e.g. { "500": 1 }. */
  readonly statuses: Readonly<Record<string, number>>;
  readonly errors: number;
  /** True when more than two seconds of requests were waiting and sending stopped. */
  readonly overloaded: boolean;
}

/** Loads `options.url` at a fixed rate from `core`. */
export async function runFixedRate(options: FixedRateOptions, core: number): Promise<FixedRateResult> {
  const { stdout } = await run('taskset', ['-c', String(core), process.execPath, join(import.meta.dirname, 'fixed-rate-client.ts'), JSON.stringify(options)], {
    timeout: (options.seconds + 30) * 1000,
  });
  return JSON.parse(stdout) as FixedRateResult;
}

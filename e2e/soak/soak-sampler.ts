/**
 * One sample of a running gatehouse, read the way an operator would: RSS from /proc/<pid>/status,
 * open file descriptors from /proc/<pid>/fd, the V8 heap and the event-loop delay from its own
 * /metrics (prom-client's defaults: gatehouse_nodejs_heap_size_used_bytes and the
 * gatehouse_nodejs_eventloop_lag_*_seconds of the window since the last scrape), and Redis
 * connections from INFO clients.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { redisCli } from '../support/redis-cli.ts';

/** One sample. */
export interface SoakSample {
  /** Seconds since the load started. */
  readonly t: number;
  readonly rssMiB: number;
  readonly heapUsedMiB: number;
  readonly heapTotalMiB: number;
  readonly fds: number;
  /** Connections Redis has open, the sampler's own not counted; undefined without Redis. */
  readonly redisClients: number | undefined;
  readonly lagP99Ms: number;
  readonly lagMaxMs: number;
  /** Checks answered per second since the previous sample. */
  readonly rate: number;
  /** Wrong answers and failed requests so far. */
  readonly wrong: number;
}

/** Where to read from. */
export interface SampleSource {
  readonly pid: number;
  readonly metricsUrl: string;
  readonly redisPort?: number | undefined;
}

function metric(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

/** RSS of `pid` in MiB, from VmRSS. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/** Takes one sample; `t`, `rate` and `wrong` come from the caller's load. */
export async function takeSample(source: SampleSource, t: number, rate: number, wrong: number): Promise<SoakSample> {
  const text = await (await fetch(source.metricsUrl, { signal: AbortSignal.timeout(5000) })).text();
  let redisClients: number | undefined;
  if (source.redisPort !== undefined) {
    const info = await redisCli(source.redisPort, ['INFO', 'clients']);
    redisClients = Number(/connected_clients:(\d+)/.exec(info)?.[1] ?? Number.NaN) - 1;
  }
  const mib = (bytes: number): number => bytes / 1024 / 1024;
  return {
    t,
    rssMiB: rssMiB(source.pid),
    heapUsedMiB: mib(metric(text, 'gatehouse_nodejs_heap_size_used_bytes')),
    heapTotalMiB: mib(metric(text, 'gatehouse_nodejs_heap_size_total_bytes')),
    fds: readdirSync(`/proc/${source.pid}/fd`).length,
    redisClients,
    lagP99Ms: metric(text, 'gatehouse_nodejs_eventloop_lag_p99_seconds') * 1000,
    lagMaxMs: metric(text, 'gatehouse_nodejs_eventloop_lag_max_seconds') * 1000,
    rate,
    wrong,
  };
}

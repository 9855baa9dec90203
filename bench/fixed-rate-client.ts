/**
 * A fixed-rate HTTP load generator (wrk2's method, which Debian does not package): requests are
 * due at a constant rate over keep-alive connections, and each one's latency is measured from the
 * moment it was due, not from when a free connection let it go. A server that stalls therefore
 * shows its stall in every request that waited behind it (coordinated omission corrected), as
 * users see it. Run pinned to the load core by fixed-rate.ts; argv[2] is the JSON of
 * {@link FixedRateOptions}; one JSON {@link FixedRateResult} is printed.
 */
import { readFileSync } from 'node:fs';
import { Pool, type Dispatcher } from 'undici';
import type { FixedRateOptions, FixedRateResult } from './fixed-rate.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as FixedRateOptions;
const url = new URL(options.url);
const cookies = options.cookieFile ? readFileSync(options.cookieFile, 'utf8').split('\n').filter(Boolean) : [];
const total = Math.round(options.rate * options.seconds);
// Never more waiting than two seconds of requests: past that the server is not keeping up, and
// the run stops adding load rather than growing a queue without end.
const maxBacklog = Math.max(100, Math.round(options.rate * 2));
const intervalMs = 1000 / options.rate;
const latencies = new Float64Array(total);
const answered = new Uint8Array(total);
// How late the generator itself sent each request: its own share of the latency, reported apart.
const lags = new Float64Array(total);
const pool = new Pool(url.origin, { connections: options.connections, pipelining: 1 });
const path = `${url.pathname}${url.search}`;
let sent = 0;
let done = 0;
let non2xx = 0;
/** How many answers of each status other than 2xx. */
const statuses: Record<string, number> = {};
let errors = 0;
let overloaded = false;

class Exchange implements Dispatcher.DispatchHandler {
  private readonly due: number;
  private readonly index: number;
  constructor(index: number, due: number) {
    this.index = index;
    this.due = due;
  }
  onRequestStart(): void {}
  onResponseStart(_controller: Dispatcher.DispatchController, status: number): void {
    if (status < 200 || status > 299) {
      non2xx++;
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }
  onResponseData(): void {}
  onResponseEnd(): void {
    this.finish();
  }
  onResponseError(): void {
    errors++;
    this.finish();
  }
  private finish(): void {
    latencies[this.index] = performance.now() - this.due;
    answered[this.index] = 1;
    done++;
  }
}

const start = performance.now() + 20;
const send = (index: number, now: number): void => {
  lags[index] = now - (start + index * intervalMs);
  const headers: string[] = ['host', url.host];
  if (cookies.length > 0) headers.push('cookie', cookies[Math.floor(Math.random() * cookies.length)] as string);
  pool.dispatch({ path, method: 'GET', headers }, new Exchange(index, start + index * intervalMs));
};

await new Promise<void>((resolve) => {
  const tick = (): void => {
    const now = performance.now();
    while (sent < total && start + sent * intervalMs <= now) {
      if (sent - done >= maxBacklog) {
        overloaded = true;
        break;
      }
      send(sent++, now);
    }
    if (overloaded || sent === total) resolve();
    else setTimeout(tick, 1);
  };
  setTimeout(tick, 20);
});
// Bounded wait for the answers still in flight.
for (let waited = 0; done < sent && waited < 10_000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
await pool.close();

// A request still unanswered counts with what it has waited so far: a lower bound, never left out.
const end = performance.now();
for (let i = 0; i < sent; i++) if (answered[i] === 0) latencies[i] = end - (start + i * intervalMs);
const measured = latencies.subarray(0, sent).sort();
const at = (q: number): number => measured[Math.min(measured.length - 1, Math.floor(q * measured.length))] ?? Number.NaN;
const result: FixedRateResult = {
  rate: options.rate,
  sent,
  completed: done,
  requestsPerSecond: done / options.seconds,
  p50Ms: at(0.5),
  p90Ms: at(0.9),
  p99Ms: at(0.99),
  maxMs: measured.length > 0 ? (measured[measured.length - 1] as number) : Number.NaN,
  sendLagP99Ms: lags.subarray(0, sent).sort()[Math.floor(0.99 * sent)] ?? Number.NaN,
  non2xx,
  statuses,
  errors,
  overloaded,
};
process.stdout.write(`${JSON.stringify(result)}\n`);

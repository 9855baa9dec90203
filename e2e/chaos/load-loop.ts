/**
 * A steady, bounded load of checks from many sessions, valid and not, through nginx and straight
 * to the replicas, counted per phase. Workers share keep-alive agents and pace themselves to a
 * total rate; the loop stops at a request cap or when told. What must never happen is recorded
 * as it happens: a 200 for a session that is not valid, a 200 naming another user, and a 401 for
 * a valid session (a session lost).
 */
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** One session the load uses. */
export interface LoadSession {
  /** How the report names its kind: valid, signed-out, forged, garbage, none… */
  readonly kind: string;
  /** True only for a live session: the one kind that may be answered 200. */
  readonly valid: boolean;
  /** The Cookie header; undefined sends none. */
  readonly cookie: string | undefined;
  /** The user a 200 must name. */
  readonly user?: string;
}

/** Where checks go. */
export interface LoadTargets {
  /** nginx's port on 127.0.0.1 (Host: localhost). */
  readonly nginxPort: number;
  /** The replicas' ports, for checks sent straight to /oauth2/auth. */
  readonly replicaPorts: readonly number[];
}

/** Options of {@link startLoad}. */
export interface LoadOptions {
  readonly targets: LoadTargets;
  readonly sessions: readonly LoadSession[];
  /** Concurrent requests at most. */
  readonly concurrency: number;
  /** Requests per second over all workers. */
  readonly ratePerSecond: number;
  /** Share of checks sent straight to a replica (0..1); the rest go through nginx. */
  readonly directShare: number;
  /** Share of checks on the backend=elasticsearch route (0..1). */
  readonly elasticsearchShare: number;
  /** The loop stops after this many requests whatever happens. */
  readonly maxRequests: number;
  /** ...or after this long, whatever happens. */
  readonly maxSeconds: number;
  /** A request not answered within this is counted as `timeout`. */
  readonly timeoutMs?: number;
}

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

/** A running load. */
export interface LoadRun {
  /** Starts a new phase; later answers count there. */
  phase(name: string): void;
  /** Stops the workers, waits for the requests in flight, and returns every phase. */
  stop(): Promise<PhaseTally[]>;
  /** Requests sent so far. */
  sent(): number;
  /** The phases so far, the current one last (still counting). */
  tallies(): readonly PhaseTally[];
}

const MAX_VIOLATIONS = 200;

function newPhase(name: string): PhaseTally {
  return { name, startedAt: performance.now(), endedAt: undefined, counts: new Map(), latencies: new Map(), violations: [], retries: 0 };
}

/** Starts the workers at once. */
export function startLoad(options: LoadOptions): LoadRun {
  const { targets, sessions } = options;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const agents = new Map<number, Agent>();
  const agentFor = (port: number): Agent => {
    let agent = agents.get(port);
    if (!agent) agents.set(port, (agent = new Agent({ keepAlive: true, maxSockets: options.concurrency })));
    return agent;
  };
  const phases: PhaseTally[] = [newPhase('start')];
  let stopped = false;
  let sent = 0;
  let pick = 0;

  // An answer counts in the phase its request was sent in.
  const record = (tally: PhaseTally, series: string, status: string, ms: number, violation: string | undefined): void => {
    const counts = tally.counts.get(series) ?? new Map<string, number>();
    tally.counts.set(series, counts);
    counts.set(status, (counts.get(status) ?? 0) + 1);
    const latencies = tally.latencies.get(series) ?? [];
    tally.latencies.set(series, latencies);
    latencies.push(ms);
    if (violation && tally.violations.length < MAX_VIOLATIONS) tally.violations.push(violation);
  };

  const once = (n: number): Promise<void> => {
    const session = sessions[pick++ % sessions.length] as LoadSession;
    const direct = Math.random() < options.directShare;
    const es = Math.random() < options.elasticsearchShare;
    const port = direct ? (targets.replicaPorts[n % targets.replicaPorts.length] as number) : targets.nginxPort;
    const path = direct ? `/oauth2/auth${es ? '?backend=elasticsearch' : ''}` : `/${es ? 'es' : 'api'}/page-${n}`;
    const headers: Record<string, string> = { accept: 'application/json', host: direct ? `127.0.0.1:${port}` : 'localhost' };
    if (session.cookie !== undefined) headers.cookie = session.cookie;
    if (direct) Object.assign(headers, { 'x-original-url': `http://localhost/api/page-${n}`, 'x-original-method': 'GET', 'x-real-ip': '127.0.0.1' });
    const series = `${direct ? 'direct' : 'nginx'} ${es ? 'es' : 'api'} ${session.valid ? 'valid' : 'invalid'}`;
    const started = performance.now();
    const tally = phases.at(-1) as PhaseTally;
    const attempt = (retry: boolean): Promise<void> => new Promise<void>((resolve) => {
      let answered = false;
      const req = request({ host: '127.0.0.1', port, path, headers, agent: agentFor(port), timeout: timeoutMs }, (res) => {
        answered = true;
        res.resume();
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const seen = res.headers[direct ? 'x-auth-request-user' : 'x-seen-user'];
          let violation: string | undefined;
          if (status === 200 && !session.valid) violation = `200 for a ${session.kind} session (${series})`;
          else if (status === 200 && seen !== session.user) violation = `200 naming ${String(seen)} for ${session.user} (${series})`;
          else if (status === 401 && session.valid) violation = `401 for a valid session of ${session.user}: session lost (${series})`;
          record(tally, series, String(status), performance.now() - started, violation);
          resolve();
        });
        res.on('error', () => {
          record(tally, series, 'error:response', performance.now() - started, undefined);
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
      req.on('error', (error: NodeJS.ErrnoException) => {
        // A keep-alive connection the server closed just as this request went out: browsers and
        // curl send the request again on a new connection, and so does this client, once.
        if (!retry && !answered && req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE')) {
          tally.retries += 1;
          resolve(attempt(true));
          return;
        }
        const code = error.code === 'timeout' ? 'timeout' : `error:${error.code ?? 'unknown'}`;
        record(tally, series, code, performance.now() - started, undefined);
        resolve();
      });
      req.end();
    });
    return attempt(false);
  };

  const intervalMs = (1000 * options.concurrency) / options.ratePerSecond;
  const deadline = performance.now() + options.maxSeconds * 1000;
  const worker = async (): Promise<void> => {
    // Spread the workers' first requests over one interval.
    await sleep(Math.random() * intervalMs);
    while (!stopped && sent < options.maxRequests && performance.now() < deadline) {
      const started = performance.now();
      const n = sent++;
      await once(n);
      const rest = intervalMs - (performance.now() - started);
      if (rest > 0) await sleep(rest);
    }
  };
  const workers = Array.from({ length: options.concurrency }, worker);

  return {
    phase(name) {
      (phases.at(-1) as PhaseTally).endedAt = performance.now();
      phases.push(newPhase(name));
    },
    async stop() {
      stopped = true;
      await Promise.all(workers);
      (phases.at(-1) as PhaseTally).endedAt = performance.now();
      for (const agent of agents.values()) agent.destroy();
      return phases;
    },
    sent: () => sent,
    tallies: () => phases,
  };
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

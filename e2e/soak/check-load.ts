/**
 * Checks against one gatehouse over a keep-alive undici pool, as nginx's auth subrequests arrive:
 * mostly valid sessions, a tenth with a fresh garbage cookie each time (the unseal path with no
 * cache to help), some with none. Either closed-loop (a fixed number in flight, to measure the
 * maximum rate) or open-loop at a set rate (the soak), with the outstanding requests bounded so a
 * server that falls behind is measured, not buried. Every answer is checked: 200 for a valid
 * session, 401 for the rest; anything else is counted as wrong.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';

/** What one run counted. */
export interface CheckCounts {
  completed: number;
  /** Answers other than the expected 200 (valid) or 401 (invalid), and failed requests. */
  wrong: number;
  /** Requests not sent because too many were outstanding (open loop only). */
  skipped: number;
  readonly statuses: Map<string, number>;
}

/** A client for one gatehouse. */
export interface CheckClient {
  /** One check; resolves when it is answered and counted. */
  check(counts: CheckCounts): Promise<void>;
  close(): Promise<void>;
}

/** Counts to add to. */
export function newCounts(): CheckCounts {
  return { completed: 0, wrong: 0, skipped: 0, statuses: new Map() };
}

/**
 * Creates the client.
 * @param cookies - Cookie headers of signed-in sessions
 */
export function createCheckClient(origin: string, cookies: readonly string[], connections: number): CheckClient {
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  const cookieName = (cookies[0] ?? 'gatehouse=').split('=')[0] as string;
  let n = 0;
  const base = { 'x-original-url': 'http://app.localtest/page', 'x-original-method': 'GET', 'x-real-ip': '127.0.0.1', accept: 'application/json' };
  return {
    async check(counts) {
      const i = n++;
      const kind = i % 20;
      const valid = kind < 17;
      const headers: Record<string, string> = { ...base };
      if (valid) headers.cookie = cookies[i % cookies.length] as string;
      else if (kind < 19) headers.cookie = `${cookieName}=${randomBytes(40).toString('base64url')}`;
      let status = 'error';
      try {
        const answer = await pool.request({ method: 'GET', path: '/oauth2/auth', headers, headersTimeout: 15_000, bodyTimeout: 15_000 });
        await answer.body.dump();
        status = String(answer.statusCode);
      } catch (error) {
        status = `error:${(error as NodeJS.ErrnoException).code ?? 'unknown'}`;
      }
      counts.completed += 1;
      counts.statuses.set(status, (counts.statuses.get(status) ?? 0) + 1);
      if (status !== (valid ? '200' : '401')) counts.wrong += 1;
    },
    close: () => pool.close(),
  };
}

/** Runs `inFlight` checks at a time for `seconds`; resolves with the rate answered. */
export async function measureMaxRate(client: CheckClient, inFlight: number, seconds: number, counts = newCounts()): Promise<number> {
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  const loop = async (): Promise<void> => {
    while (performance.now() < until) await client.check(counts);
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  return counts.completed / ((performance.now() - started) / 1000);
}

/** An open-loop run in progress. */
export interface PacedRun {
  readonly counts: CheckCounts;
  /** Stops sending, waits for what is outstanding. */
  stop(): Promise<void>;
}

/**
 * Sends `rate` checks per second, in 10 ms ticks, never more than `maxOutstanding` unanswered.
 * It stops by itself after `maxSeconds`.
 */
export function startPaced(client: CheckClient, rate: number, maxOutstanding: number, maxSeconds: number): PacedRun {
  const counts = newCounts();
  const pending = new Set<Promise<void>>();
  let stopped = false;
  const until = performance.now() + maxSeconds * 1000;
  const run = (async () => {
    const started = performance.now();
    let sent = 0;
    while (!stopped && performance.now() < until) {
      const due = Math.floor(((performance.now() - started) / 1000) * rate);
      for (; sent < due; sent++) {
        if (pending.size >= maxOutstanding) {
          counts.skipped += 1;
          continue;
        }
        const request = client.check(counts).finally(() => pending.delete(request));
        pending.add(request);
      }
      await sleep(10);
    }
    await Promise.all(pending);
  })();
  return {
    counts,
    async stop() {
      stopped = true;
      await run;
    },
  };
}

/**
 * `make bench`, through nginx: nginx configured as ingress-nginx renders external auth
 * (e2e/nginx) in front of a tiny upstream (bench/bare-server.ts): a path protected by gatehouse's
 * auth_request as ingress-nginx renders it by default (a new connection per auth subrequest), the
 * same with the auth-keepalive annotation (kept-alive connections), and a path to the same upstream
 * without auth. First nginx's maximum rate through gatehouse is found with wrk (the lower of the two
 * protected paths); then every path is loaded at half that rate by the fixed-rate generator (latency
 * from each request's due time), in alternating rounds, every request with a session drawn at
 * random from the many-users cookie file. nginx, gatehouse, Redis and the upstream
 * share the servers' core; the generator has the other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNginx } from '../e2e/nginx/start-nginx.ts';
import { httpRequest } from '../e2e/support/http-client.ts';
import { freePorts } from '../e2e/support/ports.ts';
import { runFixedRate, type FixedRateResult } from './fixed-rate.ts';
import { runWrk, type WrkResult, type WrkScript } from './wrk.ts';

/** How the run is shaped. */
export interface NginxLatencyOptions {
  /** A gatehouse whose sessions the cookie file holds. */
  readonly gatehousePort: number;
  /** How the report names that gatehouse, e.g. its store and users. */
  readonly gatehouseLabel: string;
  readonly cookieFile: string;
  /** The wrk script that draws a session per request from the cookie file. */
  readonly script: WrkScript;
  readonly seconds: number;
  readonly rounds: number;
  readonly connections: number;
  readonly serverCore: number;
  readonly loadCore: number;
}

/** One path's numbers at the fixed rate (the round with the median p99). */
export interface LatencyRow {
  readonly name: string;
  readonly result: FixedRateResult;
  readonly runs: readonly FixedRateResult[];
}

/** What the nginx comparison found. */
export interface NginxLatency {
  /** wrk's best closed-loop rate through nginx and gatehouse (each way), and without gatehouse. */
  readonly maxWithGatehouse: WrkResult;
  readonly maxWithKeepalive: WrkResult;
  readonly maxWithout: WrkResult;
  readonly rate: number;
  /** Each path and round that had answers other than 2xx or failed requests. */
  readonly problems: readonly string[];
  readonly without: LatencyRow;
  readonly withGatehouse: LatencyRow;
  readonly withKeepalive: LatencyRow;
}

const PROTECTED = '/app';
const KEPT_ALIVE = '/kept-alive';
const OPEN = '/open';

const pin = (pid: number, core: number): Promise<unknown> =>
  new Promise((resolve) => spawn('taskset', ['-cp', String(core), String(pid)], { stdio: 'ignore' }).once('exit', resolve));

const bestOf = (runs: WrkResult[]): WrkResult => runs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
const medianByP99 = (runs: FixedRateResult[]): FixedRateResult => [...runs].sort((a, b) => a.p99Ms - b.p99Ms)[Math.floor(runs.length / 2)] as FixedRateResult;

/**
 * Runs the comparison.
 * @throws Error when a path does not answer as configured before the load (200 with a session, a sign-in redirect without)
 */
export async function runNginxLatency(options: NginxLatencyOptions): Promise<NginxLatency> {
  const [upstreamPort] = (await freePorts(1)) as [number];
  const upstream: ChildProcess = spawn('taskset', ['-c', String(options.serverCore), process.execPath, `${import.meta.dirname}/bare-server.ts`, String(upstreamPort)], { stdio: 'ignore' });
  const nginx = await startNginx({
    gatehousePorts: [options.gatehousePort],
    upstreamPort,
    serverNames: ['127.0.0.1'],
    ingresses: [
      { name: 'app', path: PROTECTED, authQuery: '?allowed_groups=admins', signin: 'relative-rd' },
      { name: 'app-kept-alive', path: KEPT_ALIVE, authQuery: '?allowed_groups=admins', signin: 'relative-rd', authKeepalive: true },
    ],
    openPaths: [OPEN],
    errorLogLevel: 'warn',
  });
  try {
    await pin(nginx.pid, options.serverCore);
    const origin = `http://127.0.0.1:${nginx.port}`;
    const cookie = readFileSync(options.cookieFile, 'utf8').split('\n', 1)[0] ?? '';
    for (let i = 0; i < 100 && (await httpRequest(`${origin}${OPEN}`).then((r) => r.status, () => 0)) !== 200; i++) await sleep(50);
    for (const path of [PROTECTED, KEPT_ALIVE]) {
      const signedIn = await httpRequest(`${origin}${path}`, { headers: { cookie } });
      const anonymous = await httpRequest(`${origin}${path}`);
      if (signedIn.status !== 200 || anonymous.status !== 302) throw new Error(`nginx: ${path} answered ${signedIn.status} with a session and ${anonymous.status} without`);
    }

    const closed = { seconds: options.seconds, connections: options.connections, core: options.loadCore, script: options.script };
    await runWrk(`${origin}${PROTECTED}`, { ...closed, seconds: 2 });
    const paths = [OPEN, PROTECTED, KEPT_ALIVE] as const;
    const closedRuns = new Map<string, WrkResult[]>(paths.map((path) => [path, []]));
    for (let round = 0; round < Math.min(2, options.rounds); round++) {
      for (const path of paths) closedRuns.get(path)?.push(await runWrk(`${origin}${path}`, closed));
    }
    const max = (path: string): WrkResult => bestOf(closedRuns.get(path) ?? []);
    const rate = Math.max(50, Math.round(Math.min(max(PROTECTED).requestsPerSecond, max(KEPT_ALIVE).requestsPerSecond) / 2));

    const fixed = { rate, seconds: options.seconds, connections: options.connections, cookieFile: options.cookieFile };
    const runs = new Map<string, FixedRateResult[]>(paths.map((path) => [path, []]));
    for (let round = 0; round < options.rounds; round++) {
      for (const path of paths) runs.get(path)?.push(await runFixedRate({ ...fixed, url: `${origin}${path}` }, options.loadCore));
    }
    // Reported with the latencies, and failing the run at its end, rather than ending it here.
    const problems: string[] = [];
    for (const [path, pathRuns] of runs) {
      for (const run of pathRuns) {
        if (run.non2xx > 0 || run.errors > 0) problems.push(`nginx at ${rate}/s, ${path}: ${run.non2xx} answers were not 2xx (${JSON.stringify(run.statuses)}), ${run.errors} failed`);
      }
    }
    const row = (name: string, path: string): LatencyRow => {
      const pathRuns = runs.get(path) ?? [];
      return { name, result: medianByP99(pathRuns), runs: pathRuns };
    };
    return {
      maxWithGatehouse: max(PROTECTED),
      maxWithKeepalive: max(KEPT_ALIVE),
      maxWithout: max(OPEN),
      rate,
      problems,
      without: row('nginx → upstream, no auth', OPEN),
      withGatehouse: row(`nginx → gatehouse (${options.gatehouseLabel}) → upstream, a connection per check (ingress-nginx's default)`, PROTECTED),
      withKeepalive: row(`nginx → gatehouse (${options.gatehouseLabel}) → upstream, auth-keepalive`, KEPT_ALIVE),
    };
  } finally {
    await nginx.stop();
    if (upstream.exitCode === null) await new Promise((resolve) => upstream.once('exit', resolve).kill('SIGTERM'));
  }
}

/**
 * `make bench`, sidecar part: gatehouse in sidecar mode with a valid session (a route policy on the
 * path, the check, then the proxied exchange) in front of a tiny upstream (bench/bare-server.ts),
 * against a bare Node reverse proxy on the same undici with no auth (bench/bare-proxy.ts), and
 * nginx proxy_pass with upstream keep-alive for reference, all to the same upstream. Servers and
 * upstream share one core, wrk has the other; rounds alternate and the best of each is compared
 * with the bare proxy, which gatehouse must reach to 0.8. Beside the rates, the CPU time each
 * proxy and the app spent per request (utime + stime from /proc, over each run): unlike the rate,
 * it hardly moves when other work shares the machine.
 *
 * Run on its own: node bench/sidecar-bench.ts (BENCH_SECONDS, BENCH_ROUNDS as for make bench).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestIdp } from '../e2e/idp/test-idp.ts';
import { localGatehouseEnv } from '../e2e/support/gatehouse-env.ts';
import { httpRequest } from '../e2e/support/http-client.ts';
import { signInOverHttp } from '../e2e/support/http-login.ts';
import { freePorts } from '../e2e/support/ports.ts';
import { processCpuMicros } from './process-cpu.ts';
import { runWrk, type WrkResult } from './wrk.ts';

/** How the run is shaped; the same as the rest of `make bench`. */
export interface SidecarBenchOptions {
  readonly seconds: number;
  readonly rounds: number;
  readonly connections: number;
  readonly serverCore: number;
  readonly loadCore: number;
}

const MIN_RATIO = 0.8;
const root = join(import.meta.dirname, '..');

interface Target {
  readonly name: string;
  readonly url: string;
  readonly minRatio: number | undefined;
  readonly runs: WrkResult[];
  /** The proxy's process; nginx's workers are its children. */
  readonly pid: number;
  /** CPU µs per request of the proxy, then of the app, per run. */
  readonly cpu: number[];
  readonly appCpu: number[];
}


const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

function nginxConf(prefix: string, port: number, upstreamPort: number): string {
  return `worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  upstream app {
    server 127.0.0.1:${upstreamPort};
    keepalive 128;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
  }
}
`;
}

async function waitFor(url: string, headers: Record<string, string> = {}): Promise<void> {
  // Up to 30 s, as in run-bench.ts: on a busy machine a server pinned to a shared core starts slowly.
  for (let i = 0; i < 600; i++) {
    if (await httpRequest(url, { headers }).then((r) => r.status === 200, () => false)) return;
    await sleep(50);
  }
  throw new Error(`${url} never answered 200`);
}

const best = (runs: WrkResult[]): WrkResult => runs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));

/**
 * Runs the sidecar comparison and prints its table.
 * @returns false when gatehouse falls below 0.8 of the bare proxy
 */
export async function runSidecarBench(options: SidecarBenchOptions): Promise<boolean> {
  const [upstreamPort, barePort, nginxPort, gatehousePort, metricsPort] = (await freePorts(5)) as [number, number, number, number, number];
  const origin = `http://127.0.0.1:${gatehousePort}`;
  const secret = randomBytes(16).toString('hex');
  const idp = await startTestIdp({ clients: [{ clientId: 'gatehouse', clientSecret: secret, redirectUris: [`${origin}/oauth2/callback`] }] });
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sidecar-bench-'));
  const children: ChildProcess[] = [];
  const pinned = (args: string[], env: Record<string, string> = {}): number => {
    // taskset execs the command: the child's pid is the server's.
    const child = spawn('taskset', ['-c', String(options.serverCore), ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
    children.push(child);
    return child.pid ?? 0;
  };
  try {
    const appPid = pinned([process.execPath, join(root, 'bench/bare-server.ts'), String(upstreamPort)]);
    await waitFor(`http://127.0.0.1:${upstreamPort}/`);
    const barePid = pinned([process.execPath, join(root, 'bench/bare-proxy.ts'), String(barePort), `http://127.0.0.1:${upstreamPort}`]);
    mkdirSync(join(dir, 'tmp'));
    writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, nginxPort, upstreamPort));
    const nginxPid = pinned(['nginx', '-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', 'stderr']);
    // A route policy on the path: the check does what it does for a protected app.
    writeFileSync(join(dir, 'gatehouse.yaml'), 'sidecar:\n  routes:\n    - { path: /, policy: "allowed_groups=admins" }\n');
    // BENCH_PROFILE_DIR: the gatehouse writes a V8 CPU profile there when it exits (see docs/performance.md).
    const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    const gatehousePid = pinned(
      [process.execPath, ...profile, join(root, 'app/src/main.ts')],
      localGatehouseEnv(
        { issuer: idp.issuer, clientSecret: secret, origin, port: gatehousePort, metricsPort },
        { GATEHOUSE_UPSTREAM: `http://127.0.0.1:${upstreamPort}`, GATEHOUSE_CONFIG_FILE: join(dir, 'gatehouse.yaml'), GATEHOUSE_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info' },
      ),
    );
    await waitFor(`${origin}/readyz`);
    const { cookieHeader } = await signInOverHttp(origin, { login: 'alice', password: 'alice' });
    const headers = { cookie: cookieHeader };
    if ((await httpRequest(`${origin}/`)).status !== 401) throw new Error('sidecar: a request without a session was not refused');
    for (const port of [barePort, nginxPort, gatehousePort]) await waitFor(`http://127.0.0.1:${port}/`, headers);

    const bare: Target = { name: 'bare Node reverse proxy on undici, no auth', url: `http://127.0.0.1:${barePort}/`, minRatio: undefined, pid: barePid, runs: [], cpu: [], appCpu: [] };
    const targets: Target[] = [
      bare,
      { name: 'gatehouse sidecar mode, valid session, route policy', url: `${origin}/`, minRatio: MIN_RATIO, pid: gatehousePid, runs: [], cpu: [], appCpu: [] },
      { name: 'nginx proxy_pass, upstream keep-alive (reference)', url: `http://127.0.0.1:${nginxPort}/`, minRatio: undefined, pid: nginxPid, runs: [], cpu: [], appCpu: [] },
    ];
    const load = { seconds: options.seconds, connections: options.connections, core: options.loadCore, headers };
    for (const target of targets) await runWrk(target.url, { ...load, seconds: 2 });
    for (let round = 0; round < options.rounds; round++) {
      for (const target of targets) {
        const [proxyBefore, appBefore] = [processCpuMicros(target.pid), processCpuMicros(appPid)];
        const run = await runWrk(target.url, load);
        target.runs.push(run);
        target.cpu.push((processCpuMicros(target.pid) - proxyBefore) / run.requests);
        target.appCpu.push((processCpuMicros(appPid) - appBefore) / run.requests);
      }
    }
    const base = best(bare.runs);
    const baseCpu = median(bare.cpu);
    const lines = [
      '',
      `Sidecar mode: proxying to a tiny upstream (bare Node http server, on the servers' core); wrk -t1 -c${options.connections} -d${options.seconds}s, best of ${options.rounds} alternating rounds; CPU per request the median of the rounds; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
      '',
      '| target | requests/s | p99 ms | ratio to the bare proxy | target ratio | proxy CPU µs/request | app CPU µs/request | bare proxy CPU ÷ this CPU |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ];
    let ok = true;
    for (const target of targets) {
      const b = best(target.runs);
      if (b.non2xx > 0) throw new Error(`${target.name}: ${b.non2xx} answers were not 200`);
      const ratio = b.requestsPerSecond / base.requestsPerSecond;
      if (target.minRatio !== undefined && ratio < target.minRatio) ok = false;
      const cpu = median(target.cpu);
      lines.push(
        `| ${target.name} | ${Math.round(b.requestsPerSecond).toLocaleString('en-US')} | ${b.p99Ms.toFixed(2)} | ${ratio.toFixed(2)} | ${target.minRatio === undefined ? '' : `>= ${target.minRatio}`} | ${cpu.toFixed(1)} | ${median(target.appCpu).toFixed(1)} | ${(baseCpu / cpu).toFixed(2)} |`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return ok;
  } finally {
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM')) : undefined)));
    await idp.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const ok = await runSidecarBench({ seconds: Number(process.env.BENCH_SECONDS ?? 10), rounds: Number(process.env.BENCH_ROUNDS ?? 3), connections: 50, serverCore: 0, loadCore: 1 });
  if (!ok) process.exitCode = 1;
}

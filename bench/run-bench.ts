/**
 * `make bench`: wrk (one thread, pinned to its own core) against /oauth2/auth with a valid session,
 * once on the memory store and once on the Redis store, against /oauth2/forward-auth as Traefik and
 * Caddy call it, with tracing on (every check a span exported to a no-op OTLP receiver), and in the same run against a bare Node
 * http server answering 200; the servers (and redis-server) share the other core. Rounds alternate
 * so all targets see the same machine state; the best round of each is compared with the bare server.
 * Many users on Redis and the nginx comparison come from production-shape.ts; the tables and a
 * plot are also written to bench/results/ (bench-report.ts).
 * The peer, Apache httpd with mod_auth_openidc, is loaded in the same rounds (apache-peer.ts).
 * Then sidecar mode against a bare undici reverse proxy and nginx (sidecar-bench.ts).
 * BENCH_SECONDS and BENCH_ROUNDS shorten or lengthen it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestIdp, type TestIdp } from '../e2e/idp/test-idp.ts';
import { localGatehouseEnv } from '../e2e/support/gatehouse-env.ts';
import { httpRequest } from '../e2e/support/http-client.ts';
import { signInOverHttp } from '../e2e/support/http-login.ts';
import { freePorts } from '../e2e/support/ports.ts';
import { startRedisServer } from '../e2e/support/redis-server.ts';
import { startOtlpSink } from './otlp-sink.ts';
import { runSidecarBench } from './sidecar-bench.ts';
import { runWrk, type WrkResult, type WrkScript } from './wrk.ts';
import { bearerTarget } from './bearer-target.ts';
import { throughputMarkdown, writeBenchReport, type ThroughputRow } from './bench-report.ts';
import { idleServerLoad, serverCpuMicros } from './process-cpu.ts';
import type { ManyUsersTarget } from './many-users-target.ts';
import { manyUsersNotes, manyUsersTargets, millionKeepsUp, nginxComparison } from './production-shape.ts';
import { apachePeer, apachePeerNotes } from './apache-peer.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;
/** The load before each measured run. */
const WARM_UP_SECONDS = Math.min(2, SECONDS);
/** Exporting a span for every check has a price; the floor catches it growing out of proportion. */
const TRACED_MIN_RATIO = 0.2;
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const root = join(import.meta.dirname, '..');

interface Target {
  readonly name: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly minRatio: number | undefined;
  readonly runs: WrkResult[];
  /** A wrk Lua script that shapes each request (the many-users rows). */
  readonly script?: WrkScript | undefined;
}

function pinned(args: string[], env: Record<string, string>): ChildProcess {
  return spawn('taskset', ['-c', String(SERVER_CORE), ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function waitFor(url: string): Promise<void> {
  // Up to 30 s: many gatehouses start at once on one core, on a busy machine slowly.
  for (let i = 0; i < 600; i++) {
    if (await httpRequest(url).then((r) => r.status === 200, () => false)) return;
    await sleep(50);
  }
  throw new Error(`${url} never answered 200`);
}

/** Starts a pinned gatehouse with `env`, signs alice in, and returns the check to load. */
async function gatehouseTarget(
  name: string,
  minRatio: number | undefined,
  idp: TestIdp,
  secret: string,
  port: number,
  env: Record<string, string>,
  children: ChildProcess[],
  check: { readonly path: string; readonly headers: Record<string, string> } = { path: '/oauth2/auth?allowed_groups=admins', headers: {} },
): Promise<Target> {
  const [metricsPort] = await freePorts(1);
  const origin = `http://127.0.0.1:${port}`;
  children.push(
    pinned(
      [process.execPath, join(root, 'app/src/main.ts')],
      localGatehouseEnv({ issuer: idp.issuer, clientSecret: secret, origin, port, metricsPort }, { GATEHOUSE_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', ...env }),
    ),
  );
  await waitFor(`${origin}/readyz`);
  const { cookieHeader } = await signInOverHttp(origin, { login: 'alice', password: 'alice' });
  const url = `${origin}${check.path}`;
  const headers = { ...check.headers, cookie: cookieHeader };
  const answer = await httpRequest(url, { headers });
  if (answer.status !== 200) throw new Error(`${name}: the session does not pass the check: ${answer.status}`);
  return { name, url, headers, minRatio, runs: [] };
}

const best = (runs: WrkResult[]): WrkResult => runs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const [memoryPort, redisPort, redisRoundTripPort, forwardAuthPort, barePort, assertionPort, tracingPort] = await freePorts(7);
  const secret = randomBytes(16).toString('hex');
  const redirectUris = [memoryPort, redisPort, redisRoundTripPort, forwardAuthPort, assertionPort, tracingPort].map((p) => `http://127.0.0.1:${p}/oauth2/callback`);
  const apache = await apachePeer(SERVER_CORE);
  const idp = await startTestIdp({ clients: [{ clientId: 'gatehouse', clientSecret: secret, redirectUris }, apache.client] });
  const redis = await startRedisServer({ extraArgs: [] });
  const otlp = await startOtlpSink();
  const children: ChildProcess[] = [];
  const manyUsers: ManyUsersTarget[] = [];
  try {
    // redis-server shares the servers' core: the Redis round trip is part of what is measured.
    await new Promise((resolve) => spawn('taskset', ['-cp', String(SERVER_CORE), String(redis.pid)], { stdio: 'ignore' }).once('exit', resolve));
    children.push(pinned([process.execPath, join(root, 'bench/bare-server.ts'), String(barePort)], {}));
    await waitFor(`http://127.0.0.1:${barePort}/`);
    const bare: Target = { name: 'bare Node http server (200)', url: `http://127.0.0.1:${barePort}/`, headers: {}, minRatio: undefined, runs: [] };
    const targets: Target[] = [
      bare,
      await gatehouseTarget('gatehouse /oauth2/auth, memory store', 0.5, idp, secret, memoryPort as number, {}, children),
      // A machine's Bearer JWT, verified once and then remembered by its SHA-256 until its exp.
      await bearerTarget('gatehouse /oauth2/auth, Bearer token (cached verification)', 0.6, SERVER_CORE, children),
      // Traefik's and Caddy's shape: the original request in X-Forwarded-*, from a trusted peer.
      await gatehouseTarget('gatehouse /oauth2/forward-auth, memory store', 0.5, idp, secret, forwardAuthPort as number, { GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.1/32' }, children, {
        path: '/oauth2/forward-auth?allowed_groups=admins',
        headers: { 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/dashboard?tab=1', 'x-forwarded-for': '192.0.2.7', accept: 'text/html' },
      }),
      // Every 200 carries a signed assertion; one per session, route, method and host is reused for 30 s.
      await gatehouseTarget('gatehouse /oauth2/auth, memory store, GATEHOUSE_ASSERTION=on', 0.4, idp, secret, assertionPort as number, { GATEHOUSE_ASSERTION: 'on' }, children, {
        path: '/oauth2/auth?allowed_groups=admins',
        headers: { 'x-original-url': 'https://app.example.com/dashboard?tab=1', 'x-original-method': 'GET' },
      }),
      // Tracing on and every check sampled (no traceparent: each is a new trace), exported in protobuf to a receiver that drops it.
      await gatehouseTarget('gatehouse /oauth2/auth, memory store, tracing on (every check exported)', TRACED_MIN_RATIO, idp, secret, tracingPort as number, { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint }, children),
      await gatehouseTarget('gatehouse /oauth2/auth, Redis store', 0.4, idp, secret, redisPort as number, { GATEHOUSE_SESSION_STORE: 'redis', GATEHOUSE_REDIS_URL: redis.url }, children),
      // Every check a Redis round trip: what a session sees when its checks are more than 1 s apart.
      await gatehouseTarget('gatehouse /oauth2/auth, Redis store, GATEHOUSE_REDIS_LOCAL_TTL=0', undefined, idp, secret, redisRoundTripPort as number, { GATEHOUSE_SESSION_STORE: 'redis', GATEHOUSE_REDIS_URL: redis.url, GATEHOUSE_REDIS_LOCAL_TTL: '0' }, children),
      // The peer: Apache's static file, and mod_auth_openidc signed in at the same provider (shm and Redis caches).
      ...(await apache.targets(idp.issuer, redis.url)),
      // Many users on Redis, each request a session drawn at random: nearly every check a Redis round trip.
      ...(await manyUsersTargets(children, manyUsers)),
    ];
    const load = { seconds: SECONDS, connections: CONNECTIONS, core: LOAD_CORE };
    // Every row's CPU per request counts all servers: what they use unloaded is printed, so a busy one shows.
    const idle = await idleServerLoad(Math.min(5, SECONDS) * 1000);
    process.stdout.write(`Servers at rest: ${idle.length === 0 ? 'none above 1 % of a core' : idle.map((p) => `${p.name} (pid ${p.pid}) ${(100 * p.share).toFixed(1)} %`).join(', ')}\n`);
    // CPU per request of the servers in each run (process-cpu.ts): what a request costs, however busy the machine.
    const cpu = new Map<Target, number[]>(targets.map((target) => [target, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of targets) {
        // JIT and connection setup are not what is measured; nor is coming back from sitting idle
        // while the others were loaded (two minutes in a full run), long enough for V8 to shrink its
        // heap and drop optimised code: a short load first, so that every row is measured in the
        // steady state the bare server reaches at once.
        await runWrk(target.url, { ...load, seconds: WARM_UP_SECONDS, headers: target.headers, script: target.script });
        const before = serverCpuMicros();
        const run = await runWrk(target.url, { ...load, headers: target.headers, script: target.script });
        cpu.get(target)?.push((serverCpuMicros() - before) / run.requests);
        target.runs.push(run);
      }
    }
    const base = best(bare.runs);
    const baseCpu = median(cpu.get(bare) ?? []);
    const throughput: ThroughputRow[] = [];
    let failed = false;
    for (const target of targets) {
      const b = best(target.runs);
      const unanswered = target.runs.reduce((sum, run) => sum + run.non2xx, 0);
      if (unanswered > 0) {
        failed = true;
        process.stderr.write(`${target.name}: ${unanswered} answers were not 200\n`);
      }
      const ratio = b.requestsPerSecond / base.requestsPerSecond;
      if (target.minRatio !== undefined && ratio < target.minRatio) failed = true;
      const cpuMicrosPerRequest = median(cpu.get(target) ?? []);
      throughput.push({ name: target.name, requestsPerSecond: b.requestsPerSecond, p50Ms: b.p50Ms, p99Ms: b.p99Ms, ratio, minRatio: target.minRatio, cpuMicrosPerRequest, cpuRatio: baseCpu / cpuMicrosPerRequest });
    }
    const lines = throughputMarkdown(throughput, { seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS });
    lines[0] += `; servers on core ${SERVER_CORE}, wrk on core ${LOAD_CORE}`;
    const { exports, bytes } = otlp.received();
    lines.push('', `Tracing row: ${exports.toLocaleString('en-US')} OTLP exports, ${(bytes / 1e6).toFixed(1)} MB of spans received.`);
    const notes = [...manyUsersNotes(manyUsers, throughput), ...apachePeerNotes(throughput)];
    if (!millionKeepsUp(manyUsers, throughput)) failed = true;
    lines.push(...notes.map((note) => `- ${note}`));
    process.stdout.write(`${lines.join('\n')}\n`);
    // nginx → gatehouse (the many-users one) → upstream against nginx → upstream, at a fixed rate.
    const nginx = await nginxComparison(manyUsers[0], { seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, serverCore: SERVER_CORE, loadCore: LOAD_CORE });
    if (nginx && nginx.problems.length > 0) failed = true;
    const dir = writeBenchReport({ settings: { seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS }, throughput, notes, nginx });
    process.stdout.write(`\nResults and plot: ${dir}\n`);
    if (failed) process.exitCode = 1;
  } finally {
    for (const target of manyUsers) await target.close();
    await apache.close();
    await Promise.all(
      children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM')) : undefined)),
    );
    await redis.stop();
    await otlp.close();
    await idp.close();
  }
}

await main();
const sidecarOk = await runSidecarBench({ seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, serverCore: SERVER_CORE, loadCore: LOAD_CORE });
if (!sidecarOk) process.exitCode = 1;

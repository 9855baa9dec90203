/**
 * The many-users row alone, for profiling and for comparing two versions: a bare Node server and
 * the many-users Redis target (many-users-target.ts) on the servers' core, loaded by wrk in
 * alternating rounds, each reported with its share of the bare server and the CPU time each check
 * cost gatehouse and redis-server (utime + stime from /proc, so other load on the machine moves it
 * far less than it moves requests per second). BENCH_RATE adds rounds at that fixed rate
 * (fixed-rate.ts), where the CPU per check does not depend on how far each server is pushed.
 *
 *   BENCH_USERS=20000 node bench/many-users-only.ts
 *
 * BENCH_USERS may name several counts (100000,1000000): a target for each, in the same rounds.
 *
 * BENCH_CHECKOUTS names the checkouts (comma-separated; this one when unset) whose own many-users
 * targets (their seeding, their record format, their server) are loaded in the same rounds;
 * BENCH_PROFILE_DIR makes the gatehouses write CPU profiles (bench/cpu-profile-summary.ts reads
 * them). BENCH_SECONDS and BENCH_ROUNDS as in make bench.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpRequest } from '../e2e/support/http-client.ts';
import { freePorts } from '../e2e/support/ports.ts';
import { runFixedRate } from './fixed-rate.ts';
import type { ManyUsersTarget } from './many-users-target.ts';
import { processCpuMicros } from './process-cpu.ts';
import { runWrk } from './wrk.ts';

const USER_COUNTS = (process.env.BENCH_USERS ?? '20000').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RATE = Number(process.env.BENCH_RATE ?? 0);
const CONNECTIONS = 50;
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const root = join(import.meta.dirname, '..');

/** Write system calls a process has made (socket writes included), from /proc/<pid>/io. */
function writeCalls(pid: number): number {
  return Number(/syscw: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? Number.NaN);
}

/** This process's children named `comm` (taskset execs its command, so the pid is the server's). */
function childrenNamed(comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid && stat.includes(`(${comm})`)) pids.push(Number(entry));
    } catch {
      // Gone between listing and reading.
    }
  }
  return pids;
}

interface Loaded {
  readonly label: string;
  readonly url: string;
  readonly script?: ManyUsersTarget['script'];
  readonly cookieFile?: string;
  readonly seed?: ManyUsersTarget['seed'];
  /** gatehouse's (or the bare server's) pid, and redis-server's. */
  readonly pids: readonly number[];
  readonly rows: { rps: number; p99Ms: number; cpuUs: number[]; writes: number }[];
  readonly rateRows: { completed: number; p99Ms: number; cpuUs: number[] }[];
}

/** Loads `checkout`'s own many-users target, so its sessions are seeded in its own format. */
async function loadTarget(label: string, checkout: string, users: number, children: ChildProcess[], started: ManyUsersTarget[]): Promise<Loaded> {
  const { manyUsersTarget } = (await import(join(checkout, 'bench/many-users-target.ts'))) as typeof import('./many-users-target.ts');
  const redisBefore = new Set(childrenNamed('redis-server'));
  const target = await manyUsersTarget(label, undefined, users, SERVER_CORE, children, join(checkout, 'app/src/main.ts'));
  started.push(target);
  const redisPid = childrenNamed('redis-server').find((pid) => !redisBefore.has(pid));
  const gatehousePid = children.at(-1)?.pid;
  if (redisPid === undefined || gatehousePid === undefined) throw new Error(`${label}: cannot find its processes`);
  return { label, url: target.url, script: target.script, cookieFile: target.cookieFile, seed: target.seed, pids: [gatehousePid, redisPid], rows: [], rateRows: [] };
}

async function main(): Promise<void> {
  const children: ChildProcess[] = [];
  const started: ManyUsersTarget[] = [];
  try {
    const [barePort] = (await freePorts(1)) as [number];
    const bareChild = spawn('taskset', ['-c', String(SERVER_CORE), process.execPath, join(root, 'bench/bare-server.ts'), String(barePort)], { stdio: 'ignore' });
    children.push(bareChild);
    for (let i = 0; i < 200 && !(await httpRequest(`http://127.0.0.1:${barePort}/`).then((r) => r.status === 200, () => false)); i++) await sleep(50);
    const bare: Loaded = { label: 'bare Node http server', url: `http://127.0.0.1:${barePort}/`, pids: [bareChild.pid as number], rows: [], rateRows: [] };
    const targets = [bare];
    for (const users of USER_COUNTS) {
      for (const checkout of (process.env.BENCH_CHECKOUTS ?? root).split(',')) {
        targets.push(await loadTarget(`${checkout === root ? 'this checkout' : checkout}, ${users.toLocaleString('en-US')} users`, checkout, users, children, started));
      }
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of targets) {
        const before = target.pids.map(processCpuMicros);
        const writesBefore = writeCalls(target.pids[0] as number);
        const result = await runWrk(target.url, { seconds: SECONDS, connections: CONNECTIONS, core: LOAD_CORE, script: target.script });
        const requests = result.requestsPerSecond * SECONDS;
        const cpuUs = target.pids.map((pid, i) => (processCpuMicros(pid) - (before[i] as number)) / requests);
        target.rows.push({ rps: result.requestsPerSecond, p99Ms: result.p99Ms, cpuUs, writes: (writeCalls(target.pids[0] as number) - writesBefore) / requests });
        // Reported, not fatal: on a loaded machine a Redis reply can miss its deadline (a 503).
        if (result.non2xx > 0) process.stderr.write(`${target.label}: ${result.non2xx} answers not 2xx\n`);
      }
      for (const target of RATE > 0 ? targets.slice(1) : []) {
        const before = target.pids.map(processCpuMicros);
        const result = await runFixedRate({ url: target.url, rate: RATE, seconds: SECONDS, connections: CONNECTIONS, cookieFile: target.cookieFile }, LOAD_CORE);
        const cpuUs = target.pids.map((pid, i) => (processCpuMicros(pid) - (before[i] as number)) / result.completed);
        target.rateRows.push({ completed: result.completed, p99Ms: result.p99Ms, cpuUs });
        if (result.non2xx > 0 || result.errors > 0) process.stderr.write(`${target.label}: ${result.non2xx} answers not 2xx, ${result.errors} errors\n`);
      }
      process.stderr.write(`round ${round + 1} of ${ROUNDS} done; load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}\n`);
    }
    const bareBest = Math.max(...bare.rows.map((row) => row.rps));
    const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const lines = ['| target | best req/s | share of bare | p99 ms (best round) | gatehouse µs CPU/check (median) | redis-server µs CPU/check (median) | gatehouse writes/check |', '|---|---:|---:|---:|---:|---:|---:|'];
    for (const target of targets) {
      const best = target.rows.reduce((a, b) => (b.rps > a.rps ? b : a));
      const cpu = (i: number): string => (target === bare && i > 0 ? '' : median(target.rows.map((row) => row.cpuUs[i] as number)).toFixed(1));
      lines.push(`| ${target.label} | ${Math.round(best.rps).toLocaleString('en-US')} | ${(best.rps / bareBest).toFixed(2)} | ${best.p99Ms.toFixed(1)} | ${cpu(0)} | ${cpu(1)} | ${median(target.rows.map((row) => row.writes)).toFixed(2)} |`);
    }
    if (RATE > 0) {
      lines.push('', `At ${RATE.toLocaleString('en-US')} requests/s:`, '', '| target | p99 ms (median) | gatehouse µs CPU/check (median) | redis-server µs CPU/check (median) |', '|---|---:|---:|---:|');
      for (const target of targets.slice(1)) {
        const cpu = (i: number): string => median(target.rateRows.map((row) => row.cpuUs[i] as number)).toFixed(1);
        lines.push(`| ${target.label} | ${median(target.rateRows.map((row) => row.p99Ms)).toFixed(1)} | ${cpu(0)} | ${cpu(1)} |`);
      }
    }
    const perRound = targets.slice(1).map((target) => `${target.label}: ${target.rows.map((row) => row.cpuUs.map((us) => us.toFixed(1)).join('+')).join(', ')}`);
    const seeds = targets.flatMap(({ label, seed }) =>
      seed === undefined
        ? []
        : [`${label}: written in ${seed.seedSeconds.toFixed(1)} s; Redis ${seed.usedMemoryHuman}, ${Math.round(seed.sessionKeyBytes).toLocaleString('en-US')} bytes per session key (MEMORY USAGE), ${Math.round(seed.redisBytesPerSession).toLocaleString('en-US')} per session with its index entries; cookie ${seed.cookieBytes} bytes`],
    );
    process.stdout.write(`${lines.join('\n')}\n\nCPU µs per check (gatehouse+redis) by round:\n${perRound.join('\n')}\n\n${seeds.join('\n')}\n`);
  } finally {
    for (const target of started) await target.close();
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM')) : undefined)));
  }
}

await main();

/**
 * `make bench`: wrk (one thread, pinned to its own core) against /oauth2/auth with a valid session
 * and, in the same run, against a bare Node http server answering 200, both pinned to the other
 * core. Rounds alternate so both see the same machine state; the best round of each is compared.
 * BENCH_SECONDS and BENCH_ROUNDS shorten or lengthen it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestIdp } from '../e2e/idp/test-idp.ts';
import { httpRequest } from '../e2e/support/http-client.ts';
import { signInOverHttp } from '../e2e/support/http-login.ts';
import { localGatehouseEnv } from '../e2e/support/gatehouse-env.ts';
import { freePorts } from '../e2e/support/ports.ts';
import { runWrk, type WrkResult } from './wrk.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = 50;
const SERVER_CORE = 0;
const LOAD_CORE = 1;
const TARGET_RATIO = 0.5;
const root = join(import.meta.dirname, '..');

function pinned(script: string, args: string[], env: Record<string, string>): ChildProcess {
  return spawn('taskset', ['-c', String(SERVER_CORE), process.execPath, join(root, script), ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function waitFor(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await httpRequest(url).then((r) => r.status === 200, () => false)) return;
    await sleep(50);
  }
  throw new Error(`${url} never answered 200`);
}

const best = (runs: WrkResult[]): WrkResult => runs.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));

async function main(): Promise<void> {
  const [port, metricsPort, barePort] = await freePorts(3);
  const base = `http://127.0.0.1:${port}`;
  const secret = randomBytes(16).toString('hex');
  const idp = await startTestIdp({ clients: [{ clientId: 'gatehouse', clientSecret: secret, redirectUris: [`${base}/oauth2/callback`] }] });
  const children: ChildProcess[] = [];
  try {
    children.push(
      pinned(
        'app/src/main.ts',
        [],
        localGatehouseEnv(
          { issuer: idp.issuer, clientSecret: secret, origin: base, port, metricsPort },
          { GATEHOUSE_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info' },
        ),
      ),
      pinned('bench/bare-server.ts', [String(barePort)], {}),
    );
    await waitFor(`${base}/readyz`);
    await waitFor(`http://127.0.0.1:${barePort}/`);
    const { cookieHeader } = await signInOverHttp(base, { login: 'alice', password: 'alice' });
    const authUrl = `${base}/oauth2/auth?allowed_groups=admins`;
    const check = await httpRequest(authUrl, { headers: { cookie: cookieHeader } });
    if (check.status !== 200) throw new Error(`the session does not pass the check: ${check.status}`);

    const load = { seconds: SECONDS, connections: CONNECTIONS, core: LOAD_CORE };
    // Warm-up: JIT and connection setup are not what is measured.
    await runWrk(`http://127.0.0.1:${barePort}/`, { ...load, seconds: 2 });
    await runWrk(authUrl, { ...load, seconds: 2, headers: { cookie: cookieHeader } });
    const bare: WrkResult[] = [];
    const gate: WrkResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await runWrk(`http://127.0.0.1:${barePort}/`, load));
      gate.push(await runWrk(authUrl, { ...load, headers: { cookie: cookieHeader } }));
    }
    const b = best(bare);
    const g = best(gate);
    if (g.non2xx > 0) throw new Error(`${g.non2xx} checks did not answer 200`);
    const ratio = g.requestsPerSecond / b.requestsPerSecond;
    const row = (name: string, r: WrkResult): string =>
      `| ${name} | ${Math.round(r.requestsPerSecond).toLocaleString('en-US')} | ${r.p99Ms.toFixed(2)} |`;
    process.stdout.write(
      [
        `wrk -t1 -c${CONNECTIONS} -d${SECONDS}s, best of ${ROUNDS} alternating rounds; servers on core ${SERVER_CORE}, wrk on core ${LOAD_CORE}`,
        '',
        '| target | requests/s | p99 ms |',
        '| --- | ---: | ---: |',
        row('bare Node http server (200)', b),
        row('gatehouse /oauth2/auth (memory store, valid session, allowed_groups)', g),
        '',
        `ratio gatehouse / bare: ${ratio.toFixed(2)} (target >= ${TARGET_RATIO})`,
        '',
      ].join('\n'),
    );
    if (ratio < TARGET_RATIO) process.exitCode = 1;
  } finally {
    await Promise.all(
      children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM')) : undefined)),
    );
    await idp.close();
  }
}

await main();

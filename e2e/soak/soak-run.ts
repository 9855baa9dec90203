/**
 * A soak: one gatehouse on the Redis store at the chart's log level (info, one line per check),
 * the test OpenID Provider beside it. The maximum rate is measured first (closed loop); then the
 * checks run at 80 % of it for the given time, with a sign-in and a sign-out every 5 s for session
 * churn, and a sample every 10 s (soak-sampler.ts).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestIdp } from '../idp/test-idp.ts';
import { GATEHOUSE_MAIN, REPO_ROOT } from '../stack/gatehouse-process.ts';
import { localGatehouseEnv } from '../support/gatehouse-env.ts';
import { httpRequest } from '../support/http-client.ts';
import { signInOverHttp } from '../support/http-login.ts';
import { freePorts } from '../support/ports.ts';
import { startRedisServer } from '../support/redis-server.ts';
import { createCheckClient, measureMaxRate, startPaced } from './check-load.ts';
import { soakProblems } from './soak-bounds.ts';
import { takeSample, type SoakSample } from './soak-sampler.ts';

/** Options of {@link runSoak}. */
export interface SoakOptions {
  readonly seconds: number;
  /** Share of the measured maximum to run at; 0.8 by default. */
  readonly share?: number;
  readonly maxRateSeconds?: number;
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** What a soak measured. */
export interface SoakResult {
  readonly maxRate: number;
  readonly targetRate: number;
  readonly samples: SoakSample[];
  readonly statuses: Map<string, number>;
  readonly skipped: number;
  readonly problems: string[];
  readonly loadAverage: readonly number[];
}

const SAMPLE_EVERY_MS = 10_000;
const USERS = ['alice', 'bob', 'carol'];

/** Runs a soak end to end and stops everything it started. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => {});
  const loadAverage = (await import('node:os')).loadavg();
  const [port = 0, metricsPort = 0] = await freePorts(2);
  const origin = `http://127.0.0.1:${port}`;
  const redis = await startRedisServer();
  const clientSecret = randomBytes(16).toString('hex');
  const idp = await startTestIdp({ clients: [{ clientId: 'gatehouse', clientSecret, redirectUris: [`${origin}/oauth2/callback`], postLogoutRedirectUris: [`${origin}/oauth2/signed_out`] }] });
  const env = localGatehouseEnv(
    { issuer: idp.issuer, clientSecret, origin, port, metricsPort },
    { GATEHOUSE_LOG_LEVEL: 'info', GATEHOUSE_SESSION_STORE: 'redis', GATEHOUSE_REDIS_URL: redis.url, GATEHOUSE_ALLOWED_REDIRECT_DOMAINS: '127.0.0.1' },
  );
  // The log goes nowhere: written as in production, but not held by this process.
  const child = spawn(process.execPath, [GATEHOUSE_MAIN], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const killOnExit = (): void => {
    try {
      process.kill(child.pid as number, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stopAll = async (): Promise<void> => {
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    killOnExit();
    process.removeListener('exit', killOnExit);
    await idp.close();
    await redis.stop();
  };
  try {
    for (let i = 0; i < 300; i++) {
      if ((await httpRequest(`${origin}/readyz`).catch(() => undefined))?.status === 200) break;
      await sleep(100);
    }
    const cookies: string[] = [];
    for (let i = 0; i < 20; i++) {
      const user = USERS[i % USERS.length] as string;
      cookies.push((await signInOverHttp(origin, { login: user, password: user })).cookieHeader);
    }
    const client = createCheckClient(origin, cookies, 32);
    await measureMaxRate(client, 32, 5);
    const maxRate = await measureMaxRate(client, 32, options.maxRateSeconds ?? 10);
    const targetRate = Math.round(maxRate * (options.share ?? 0.8));
    log(`maximum ${maxRate.toFixed(0)} checks/s; soaking at ${targetRate} checks/s for ${options.seconds} s`);

    const source = { pid: child.pid as number, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`, redisPort: redis.port };
    await takeSample(source, 0, 0, 0); // resets the event-loop window
    const run = startPaced(client, targetRate, 2000, options.seconds + 5);
    const samples: SoakSample[] = [await takeSample(source, 0, 0, 0)];
    let churns = 0;
    const churn = setInterval(() => {
      churns += 1;
      const user = USERS[churns % USERS.length] as string;
      void signInOverHttp(origin, { login: user, password: user })
        .then(({ cookieHeader }) => httpRequest(`${origin}/oauth2/sign_out`, { headers: { cookie: cookieHeader } }))
        .catch((error: unknown) => log(`churn failed: ${String(error)}`));
    }, 5000);
    const started = performance.now();
    let lastCompleted = 0;
    let lastAt = started;
    for (let t = SAMPLE_EVERY_MS; t <= options.seconds * 1000; t += SAMPLE_EVERY_MS) {
      await sleep(started + t - performance.now());
      const now = performance.now();
      const rate = (run.counts.completed - lastCompleted) / ((now - lastAt) / 1000);
      lastCompleted = run.counts.completed;
      lastAt = now;
      const sample = await takeSample(source, t / 1000, rate, run.counts.wrong);
      samples.push(sample);
      log(`${sample.t} s: ${rate.toFixed(0)}/s, RSS ${sample.rssMiB.toFixed(1)} MiB, heap ${sample.heapUsedMiB.toFixed(1)} MiB, fds ${sample.fds}, Redis ${sample.redisClients}, loop p99 ${sample.lagP99Ms.toFixed(1)} ms`);
    }
    clearInterval(churn);
    await run.stop();
    await client.close();
    return { maxRate, targetRate, samples, statuses: run.counts.statuses, skipped: run.counts.skipped, problems: soakProblems(samples), loadAverage };
  } finally {
    await stopAll();
  }
}

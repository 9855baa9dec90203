/**
 * A soak: one gatehouse on the Redis store at the chart's log level (info, one line per check),
 * confined as the image is in a pod with the chart's memory limit, the test OpenID Provider beside
 * it. The maximum rate is measured first (closed loop); then the checks run at 80 % of it for the
 * given time, with a sign-in and a sign-out every 5 s for session churn, and a sample every 10 s
 * (soak-sampler.ts).
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
import { makeMemoryCgroup } from '../deploy/support/memory-cgroup.ts';
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
  /** How gatehouse was confined: a memory cgroup of the chart's limit, or heap flags alone. */
  readonly confinement: string;
}

const SAMPLE_EVERY_MS = 10_000;
/** The chart's default memory limit. */
export const SOAK_LIMIT_BYTES = 256 * 2 ** 20;
/** The Dockerfile's ENTRYPOINT flag. */
export const IMAGE_HEAP_FLAG = '--max-old-space-size-percentage=50';
/**
 * Without a cgroup (not root): what that flag gives under 256Mi, both generations, by hand. The
 * old generation alone is not enough: on a large host V8 keeps 32 MiB semi-spaces, and once the old
 * generation nears 128 MiB every collection becomes a full one (throughput fell by two thirds).
 */
export const SOAK_HEAP_MIB = 128;
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
  // The log goes nowhere: written as in production, but not held by this process. gatehouse runs as
  // in a pod with the chart's default limit: in a memory cgroup of that size, with the image's heap
  // flag, so that Node sizes both heap generations from the limit (docs/memory.md).
  const cgroup = makeMemoryCgroup(`gatehouse-soak-${process.pid}`, SOAK_LIMIT_BYTES);
  const [command, args] = cgroup
    ? cgroup.wrap(process.execPath, [IMAGE_HEAP_FLAG, GATEHOUSE_MAIN])
    : [process.execPath, [`--max-old-space-size=${SOAK_HEAP_MIB}`, '--max-semi-space-size=1', GATEHOUSE_MAIN]];
  const child = spawn(command, args, { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const killOnExit = (): void => {
    try {
      process.kill(child.pid as number, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  process.once('exit', killOnExit);
  // Interrupted (Ctrl-C on make soak): exit through 'exit', which stops gatehouse and redis-server.
  const onSignal = (): void => process.exit(130);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stopAll = async (): Promise<void> => {
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000)]);
    killOnExit();
    cgroup?.remove();
    process.removeListener('exit', killOnExit);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
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
    const confinement = cgroup
      ? `in a ${SOAK_LIMIT_BYTES / 2 ** 20} MiB memory cgroup (v${cgroup.version}) with ${IMAGE_HEAP_FLAG}, as the image in a pod with the chart's default limit`
      : `with --max-old-space-size=${SOAK_HEAP_MIB} --max-semi-space-size=1 (no memory cgroup could be made), the heap the image gets under the chart's default limit`;
    return { maxRate, targetRate, samples, statuses: run.counts.statuses, skipped: run.counts.skipped, problems: soakProblems(samples), loadAverage, confinement };
  } finally {
    await stopAll();
  }
}

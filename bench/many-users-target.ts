/**
 * The production-shaped bench targets: many users on the Redis store. A pinned redis-server of its
 * own holds `count` sessions (seed-sessions.ts: gatehouse's own code, the record of one real sign-in
 * renamed per user); wrk runs a Lua script that sends each request with a session drawn at random
 * from the cookie file, so a replica's one-second local copies almost never answer and nearly
 * every check is a Redis round trip, as for users whose page loads are seconds apart. Local copies
 * stay at their default: the row measures the shipped configuration.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { isLegacySessionId } from '../app/src/session/session-id.ts';
import { startTestIdp } from '../e2e/idp/test-idp.ts';
import { localGatehouseEnv } from '../e2e/support/gatehouse-env.ts';
import { httpRequest } from '../e2e/support/http-client.ts';
import { signInOverHttp } from '../e2e/support/http-login.ts';
import { freePorts } from '../e2e/support/ports.ts';
import { startRedisServer } from '../e2e/support/redis-server.ts';
import { seedSessions } from './seed-sessions.ts';
import type { WrkResult, WrkScript } from './wrk.ts';

const root = join(import.meta.dirname, '..');
const PATH = '/oauth2/auth?allowed_groups=admins';

// Each request a session drawn at random; LuaJIT's math.random, seeded per run.
const LUA = `local cookies = {}
local n = 0
init = function(args)
  for line in io.lines(args[1]) do
    n = n + 1
    cookies[n] = line
  end
  math.randomseed(tonumber(args[2]))
end
request = function()
  return wrk.format(nil, nil, { ["Cookie"] = cookies[math.random(n)] })
end
`;

/** What seeding and Redis memory looked like, for the report. */
export interface SeedReport {
  readonly sessions: number;
  readonly seedSeconds: number;
  /** used_memory after seeding minus before, per session: records and their two index sets. */
  readonly redisBytesPerSession: number;
  /** MEMORY USAGE of sampled session keys alone, mean. */
  readonly sessionKeyBytes: number;
  readonly usedMemoryHuman: string;
  /** Length of one Cookie header value (name=value). */
  readonly cookieBytes: number;
}

/** A bench target loaded through wrk's Lua script; `close` stops its Redis and removes its files. */
export interface ManyUsersTarget {
  readonly name: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly minRatio: number | undefined;
  readonly runs: WrkResult[];
  readonly script: WrkScript;
  readonly origin: string;
  /** The gatehouse's port, for a proxy in front of it. */
  readonly port: number;
  readonly cookieFile: string;
  readonly seed: SeedReport;
  close(): Promise<void>;
}

async function memoryReport(url: string, sampleIds: readonly string[], keyPrefix: string): Promise<{ used: number; human: string; sample: number }> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    const info = await client.info('memory');
    const used = Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
    const human = /used_memory_human:(\S+)/.exec(info)?.[1] ?? '?';
    let sample = 0;
    if (sampleIds.length > 0) {
      const pipeline = client.pipeline();
      // The key of each layout (redis-store.ts): ids of earlier versions name hash keys.
      for (const id of sampleIds) pipeline.call('MEMORY', 'USAGE', `${keyPrefix}${isLegacySessionId(id) ? 'session' : 's'}:${id}`, 'SAMPLES', '0');
      const replies = (await pipeline.exec()) ?? [];
      sample = replies.reduce((sum, [, bytes]) => sum + Number(bytes), 0) / sampleIds.length;
    }
    return { used, human, sample };
  } finally {
    client.disconnect();
  }
}

/**
 * Starts Redis and a pinned gatehouse (pushed onto `children`), seeds `count` sessions and returns
 * the target.
 * @throws Error when a seeded session does not pass the check
 */
export async function manyUsersTarget(
  name: string,
  minRatio: number | undefined,
  count: number,
  serverCore: number,
  children: ChildProcess[],
  // Another checkout's entry point, to compare versions in one run.
  main = join(root, 'app/src/main.ts'),
): Promise<ManyUsersTarget> {
  const [port, metricsPort] = (await freePorts(2)) as [number, number];
  const origin = `http://127.0.0.1:${port}`;
  const secret = randomBytes(16).toString('hex');
  // Access tokens outlive the run: no seeded session comes due for a refresh while it is loaded.
  const idp = await startTestIdp({ accessTokenTtlSeconds: 86_400, clients: [{ clientId: 'gatehouse', clientSecret: secret, redirectUris: [`${origin}/oauth2/callback`] }] });
  const redis = await startRedisServer({ extraArgs: [] });
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-users-'));
  const close = async (): Promise<void> => {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise((resolve) => spawn('taskset', ['-cp', String(serverCore), String(redis.pid)], { stdio: 'ignore' }).once('exit', resolve));
    const env = localGatehouseEnv(
      { issuer: idp.issuer, clientSecret: secret, origin, port, metricsPort },
      { GATEHOUSE_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', GATEHOUSE_SESSION_STORE: 'redis', GATEHOUSE_REDIS_URL: redis.url },
    );
    // BENCH_PROFILE_DIR: the gatehouse writes a V8 CPU profile there when it exits (see docs/performance.md).
    const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
    children.push(spawn('taskset', ['-c', String(serverCore), process.execPath, ...profile, main], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'inherit'] }));
    // Up to 30 s: on a busy machine a gatehouse starts slowly.
    for (let i = 0; i < 600 && !(await httpRequest(`${origin}/readyz`).then((r) => r.status === 200, () => false)); i++) await sleep(50);
    const { cookieHeader } = await signInOverHttp(origin, { login: 'alice', password: 'alice' });
    const cookieFile = join(dir, 'cookies.txt');
    const before = await memoryReport(redis.url, [], 'gatehouse:');
    const seeded = await seedSessions({ env, templateCookie: cookieHeader, count, cookieFile });
    const after = await memoryReport(redis.url, seeded.sampleIds, 'gatehouse:');
    const scriptFile = join(dir, 'random-session.lua');
    writeFileSync(scriptFile, LUA);
    const script = { file: scriptFile, args: () => [cookieFile, String(randomBytes(4).readUInt32BE())] };
    // One drawn session through the check, as wrk will send it.
    const first = readFileSync(cookieFile, 'utf8').split('\n', 1)[0] ?? '';
    const answer = await httpRequest(`${origin}${PATH}`, { headers: { cookie: first } });
    if (answer.status !== 200) throw new Error(`${name}: a seeded session does not pass the check: ${answer.status}`);
    return {
      name,
      url: `${origin}${PATH}`,
      headers: {},
      minRatio,
      runs: [],
      script,
      origin,
      port,
      cookieFile,
      seed: {
        sessions: count,
        seedSeconds: seeded.seconds,
        redisBytesPerSession: (after.used - before.used) / count,
        sessionKeyBytes: after.sample,
        usedMemoryHuman: after.human,
        cookieBytes: first.length,
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  } finally {
    // Checks of a seeded session never call the provider.
    await idp.close();
  }
}

/**
 * Traffic for the dashboard screenshot, paced (about 150 requests a second, so a shared machine
 * is not swamped) and bounded by time: checks at every proxy endpoint allowed, denied and
 * unauthenticated, Elasticsearch-backed checks, sign-ins and failed callbacks, sign-outs
 * everywhere; and, at set points, the provider down, a Redis outage, Elasticsearch failing and
 * config reloads, so that every panel has something to show.
 */
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { signInOverHttp } from '../support/http-login.ts';

/** What the load drives. */
export interface LoadTargets {
  /** gatehouse replicas' origins (the first takes most checks). */
  readonly origins: readonly string[];
  /** Events at fractions of the run: each is awaited when its time comes. */
  readonly events: ReadonlyArray<{ readonly at: number; readonly name: string; readonly run: () => Promise<void> }>;
}

const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const USERS = ['alice', 'bob', 'carol'] as const;
const NGINX = { 'x-original-url': 'https://app.example.com/reports?page=2', 'x-original-method': 'GET' };
const FORWARDED = { 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/', 'x-forwarded-for': '198.51.100.7' };

function get(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { agent, headers, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

async function signIn(origin: string, login: string): Promise<string | undefined> {
  try {
    return (await signInOverHttp(origin, { login, password: login })).cookieHeader;
  } catch {
    return undefined;
  }
}

/**
 * Runs the load for `seconds`.
 * @returns how many requests were sent
 */
export async function runDashboardLoad(targets: LoadTargets, seconds: number, log: (line: string) => void): Promise<number> {
  const started = Date.now();
  const until = started + seconds * 1000;
  const sessions = new Map<string, string>();
  for (const origin of targets.origins) for (const user of USERS) {
    const cookie = await signIn(origin, user);
    if (cookie) sessions.set(`${origin} ${user}`, cookie);
  }
  const pending = [...targets.events].sort((a, b) => a.at - b.at);
  const cookie = (origin: string, user: string): Record<string, string> => {
    const value = sessions.get(`${origin} ${user}`);
    return value === undefined ? {} : { cookie: value };
  };
  let sent = 0;
  let tick = 0;
  while (Date.now() < until) {
    const elapsed = (Date.now() - started) / (seconds * 1000);
    while (pending.length > 0 && (pending[0]?.at ?? 1) <= elapsed) {
      const event = pending.shift() as (typeof pending)[number];
      log(`load: ${event.name}`);
      void event.run().catch((err: unknown) => log(`load: ${event.name} failed: ${(err as Error).message}`));
    }
    const [main, second = main] = targets.origins as [string, string?];
    const batch: Array<Promise<number>> = [];
    for (let i = 0; i < 7; i++) batch.push(get(`${main}/oauth2/auth?allowed_groups=admins`, { ...NGINX, ...cookie(main, 'alice') }));
    for (let i = 0; i < 3; i++) batch.push(get(`${main}/oauth2/forward-auth`, { ...FORWARDED, ...cookie(main, 'bob') }));
    batch.push(get(`${main}/oauth2/ext-authz/reports`, { host: 'app.example.com', ...cookie(main, 'carol') }));
    batch.push(get(`${main}/oauth2/auth?allowed_groups=admins`, { ...NGINX, ...cookie(main, 'bob') }));
    batch.push(get(`${main}/oauth2/auth?backend=elasticsearch`, { ...NGINX, ...cookie(main, USERS[tick % 3] as string) }));
    if (tick % 2 === 0) batch.push(get(`${main}/oauth2/auth`, NGINX));
    batch.push(get(`${second as string}/oauth2/auth?allowed_groups=devs`, { ...NGINX, ...cookie(second as string, USERS[tick % 3] as string) }));
    if (tick % 3 === 0) batch.push(get(`${second as string}/oauth2/forward-auth`, FORWARDED));
    if (tick % 80 === 0) batch.push(get(`${main}/oauth2/callback?state=forged&code=x`, {}));
    if (tick % 50 === 25) {
      const origin = targets.origins[Math.floor(tick / 50) % targets.origins.length] as string;
      const user = USERS[tick % 3] as string;
      batch.push(signIn(origin, user).then((fresh) => (fresh ? void sessions.set(`${origin} ${user}`, fresh) : undefined)).then(() => 302));
    }
    if (tick % 300 === 150) {
      const user = USERS[(tick / 150) % 3] as string;
      batch.push(get(`${main}/oauth2/sign_out?everywhere=true`, cookie(main, user)).then(async (status) => {
        const fresh = await signIn(main, user);
        if (fresh) sessions.set(`${main} ${user}`, fresh);
        return status;
      }));
    }
    sent += batch.length;
    await Promise.all([...batch, sleep(100)]);
    tick += 1;
  }
  agent.destroy();
  return sent;
}

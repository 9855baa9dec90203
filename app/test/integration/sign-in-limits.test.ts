/**
 * The limits on browser sign-in through the real app and a real OpenID Provider: requests to
 * /oauth2/start and /oauth2/callback per client address (X-Real-IP only from a trusted proxy),
 * answered 429 with Retry-After, audited and counted, shared by two replicas on one Redis; and
 * the sign-ins in progress bounded per browser (the oldest dropped, the newest completes) and in
 * all (a flood from many addresses leaves at most the bound, in memory and in Redis).
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { CookieJar } from '../../../e2e/support/cookie-jar.ts';
import { httpRequest, type HttpResponse } from '../../../e2e/support/http-client.ts';
import { signInOverHttp } from '../../../e2e/support/http-login.ts';
import { startRedisServer, type RedisServerHandle } from '../../../e2e/support/redis-server.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { getWithJar } from '../support/login-steps.ts';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'sec-fetch-mode': 'navigate' };

/** /oauth2/start as ingress-nginx forwards it for `client`. */
const start = (h: Harness, client: string, extra: Record<string, string> = {}): Promise<HttpResponse> =>
  h.request('/oauth2/start?rd=%2F', { headers: { 'x-real-ip': client, ...extra } });

const stateOf = (res: HttpResponse): string => new URL(res.headers.location ?? '').searchParams.get('state') ?? '';

describe('sign-in rate limit (memory store)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.1/32',
      GATEHOUSE_SIGNIN_RATE_LIMIT: '5',
      GATEHOUSE_SIGNIN_RATE_WINDOW: '1m',
      GATEHOUSE_AUDIT_LOG: 'stdout',
    });
  });
  after(() => h?.stop());

  it('the 6th start from one address within the window gets 429 with Retry-After; another address is unaffected', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await start(h, '198.51.100.1')).status, 302, `start ${i + 1}`);
    const page = await start(h, '198.51.100.1', BROWSER);
    assert.equal(page.status, 429);
    const seconds = Number(page.headers['retry-after']);
    assert.ok(Number.isInteger(seconds) && seconds >= 1 && seconds <= 60, `Retry-After: ${page.headers['retry-after']}`);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /<h1>Too many requests<\/h1>/);
    assert.match(page.body, new RegExp(`try again in ${seconds} seconds`));
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.equal(page.setCookies.length, 0, 'a refused start sets no cookie');
    const api = await start(h, '198.51.100.1', { accept: 'application/json' });
    assert.equal(api.status, 429);
    assert.ok(Number(api.headers['retry-after']) >= 1);
    assert.equal(JSON.parse(api.body).error, 'rate_limited');
    assert.equal((await start(h, '198.51.100.2')).status, 302, 'another address has its own count');
  });

  it('each refusal is written to the audit log and counted in gatehouse_rate_limited_total', async () => {
    const audit = h.logs.filter((line) => line.event === 'rate_limited' && line.route === '/oauth2/start');
    assert.equal(audit.length, 1, 'the first refusal per client at once, the rest summed later');
    assert.deepEqual([audit[0]?.limit, audit[0]?.peer, audit[0]?.outcome], ['5 per 60s', '127.0.0.1', 'failure']);
    const metrics = (await httpRequest(`${h.metricsUrl}/metrics`)).body;
    assert.match(metrics, /^gatehouse_rate_limited_total\{scope="signin_start"\} 2$/m);
  });

  it('the callback has a count of its own', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await h.request('/oauth2/callback?state=unknown&code=x', { headers: { 'x-real-ip': '198.51.100.1' } })).status, 403);
    const refused = await h.request('/oauth2/callback?state=unknown&code=x', { headers: { 'x-real-ip': '198.51.100.1' } });
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    assert.match((await httpRequest(`${h.metricsUrl}/metrics`)).body, /^gatehouse_rate_limited_total\{scope="signin_callback"\} 1$/m);
  });

  it('from a peer that is not a trusted proxy, a new X-Real-IP on every request gives no fresh count', async () => {
    const spoofed = (i: number) => h.request('/oauth2/start?rd=%2F', { localAddress: '127.0.0.2', headers: { 'x-real-ip': `203.0.113.${i}` } });
    for (let i = 0; i < 5; i++) assert.equal((await spoofed(i)).status, 302, `start ${i + 1}`);
    assert.equal((await spoofed(99)).status, 429);
    assert.equal((await start(h, '203.0.113.99')).status, 302, 'the address it claimed was never counted');
  });

  it('when the window ends the address may start again', async () => {
    assert.equal((await start(h, '198.51.100.1')).status, 429);
    h.advance(60_000);
    assert.equal((await start(h, '198.51.100.1')).status, 302);
  });
});

describe('sign-ins in progress (memory store)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.1/32', GATEHOUSE_MAX_PENDING_SIGNINS_PER_BROWSER: '3', GATEHOUSE_MAX_PENDING_SIGNINS: '20' });
  });
  after(() => h?.stop());

  const loginCookies = (jar: CookieJar): string[] => [...jar.cookiesFor('127.0.0.1').keys()].filter((name) => name.includes('_login_'));

  it('per browser: a sign-in beyond the bound drops the oldest, which can no longer complete, and the newest completes', async () => {
    const jar = new CookieJar();
    const tabs: Array<{ state: string; cookie: string }> = [];
    for (let i = 0; i < 4; i++) {
      const res = await getWithJar(jar, new URL(`/oauth2/start?rd=%2Ftab-${i}`, h.baseUrl));
      assert.equal(res.status, 302);
      tabs.push({ state: stateOf(res), cookie: (res.setCookies.at(-1) ?? '').split(';')[0] ?? '' });
      assert.ok(loginCookies(jar).length <= 3, `${loginCookies(jar).length} login cookies after ${i + 1} starts`);
    }
    const [oldest] = tabs;
    assert.ok(!loginCookies(jar).includes(oldest?.cookie.split('=')[0] ?? ''), "the oldest tab's cookie was dropped");
    const signedIn = await signInOverHttp(h.baseUrl, { login: 'alice', password: 'alice', jar, rd: '/newest' });
    assert.equal(new URL(signedIn.finalUrl).pathname, '/newest');
    const stale = await h.request(`/oauth2/callback?state=${oldest?.state}&code=x`, { headers: { cookie: oldest?.cookie ?? '', accept: 'application/json' } });
    assert.deepEqual([stale.status, JSON.parse(stale.body).error], [403, 'login_state_unknown'], 'its marker went with its cookie');
  });

  it('in all: a flood of starts from many addresses leaves at most GATEHOUSE_MAX_PENDING_SIGNINS in the memory store, the newest', async () => {
    const states: string[] = [];
    for (let i = 0; i < 300; i++) {
      const res = await start(h, `10.77.${i >> 8}.${i & 255}`);
      assert.equal(res.status, 302);
      states.push(stateOf(res));
    }
    const kept: number[] = [];
    for (const [i, state] of states.entries()) if ((await h.server.deps.store.takeOnce(`login:${state}`)) !== undefined) kept.push(i);
    assert.deepEqual(kept, Array.from({ length: 20 }, (_, i) => 280 + i));
  });
});

describe('two replicas on one Redis', () => {
  let redis: RedisServerHandle;
  let raw: Redis;
  let a: Harness;
  let b: Harness;
  const prefix = `limits${process.pid}:`;
  before(async () => {
    redis = await startRedisServer();
    raw = new Redis({ host: '127.0.0.1', port: redis.port });
    const env = {
      GATEHOUSE_SESSION_STORE: 'redis',
      GATEHOUSE_REDIS_URL: redis.url,
      GATEHOUSE_REDIS_KEY_PREFIX: prefix,
      GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.1/32',
      GATEHOUSE_SIGNIN_RATE_LIMIT: '5',
      GATEHOUSE_SIGNIN_RATE_WINDOW: '3s',
      GATEHOUSE_MAX_PENDING_SIGNINS: '20',
    };
    a = await startHarness(env);
    b = await startHarness(env);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    raw?.disconnect();
    await redis?.stop();
  });

  it('the count is shared: starts through either replica add up, and the window ends for both', async () => {
    for (const replica of [a, a, a, b, b]) assert.equal((await start(replica, '198.51.100.7')).status, 302);
    const refused = await start(a, '198.51.100.7');
    assert.equal(refused.status, 429);
    assert.equal((await start(b, '198.51.100.7')).status, 429);
    const seconds = Number(refused.headers['retry-after']);
    assert.ok(seconds >= 1 && seconds <= 3, String(seconds));
    await sleep(seconds * 1000 + 200);
    assert.equal((await start(b, '198.51.100.7')).status, 302);
  });

  it('in all: a flood from many addresses through both replicas leaves at most GATEHOUSE_MAX_PENDING_SIGNINS markers in Redis', async () => {
    const states: string[] = [];
    for (let i = 0; i < 120; i++) {
      const res = await start(i % 2 ? a : b, `10.88.0.${i}`);
      assert.equal(res.status, 302);
      states.push(stateOf(res));
    }
    const markers = await raw.keys(`${prefix}once:login:*`);
    assert.ok(markers.length <= 20, `${markers.length} markers`);
    assert.ok((await raw.zcard(`${prefix}pending-sign-ins`)) <= 20);
    for (const state of states.slice(-20)) assert.ok(markers.includes(`${prefix}once:login:${state}`), 'the newest are kept');
  });
});

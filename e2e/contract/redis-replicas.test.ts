/**
 * Two gatehouse replicas sharing a real redis-server, behind nginx with one upstream holding both:
 * sessions work on either replica, a Redis outage fails closed and recovers by itself, sessions
 * survive a Redis restart, back-channel logout reaches both, and a refresh happens exactly once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { logoutAtProvider } from '../../app/test/support/login-steps.ts';
import { httpRequest } from '../support/http-client.ts';
import { signInOverHttp } from '../support/http-login.ts';
import { freePorts } from '../support/ports.ts';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.ts';
import { startStack, type Stack } from '../stack/start-stack.ts';

/** Polls `probe` every 100 ms, at most `tries` times, until it returns true. */
async function eventually(probe: () => Promise<boolean>, tries = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await probe().catch(() => false)) return true;
    await sleep(100);
  }
  return false;
}

describe('two replicas on Redis', () => {
  let redis: RedisServerHandle;
  let stack: Stack;
  before(async () => {
    redis = await startRedisServer({ appendOnly: true });
    stack = await startStack({
      gatehousePorts: await freePorts(2),
      gatehouseMetricsPorts: await freePorts(2),
      // 30 s access tokens and a 60 s refresh window: every session is due for a refresh at once.
      accessTokenTtlSeconds: 30,
      gatehouseEnv: {
        GATEHOUSE_SESSION_STORE: 'redis',
        GATEHOUSE_REDIS_URL: redis.url,
        GATEHOUSE_REDIS_TIMEOUT: '300ms',
        GATEHOUSE_SET_AUTHORIZATION_HEADER: 'access_token',
      },
    });
  });
  after(async () => {
    await stack?.stop();
    await redis?.stop();
  });

  const direct = (replica: number, cookie: string) =>
    httpRequest(`http://127.0.0.1:${stack.gatehouse[replica]?.port}/oauth2/auth`, { headers: { cookie } });
  const ready = async (replica: number) =>
    (await httpRequest(`http://127.0.0.1:${stack.gatehouse[replica]?.port}/readyz`)).status;

  it('a sign-in through one replica is honoured by both, through nginx and directly', async () => {
    const { cookieHeader } = await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice' });
    for (let i = 0; i < 10; i++) {
      const res = await httpRequest(`${stack.baseUrl}/page-${i}`, { headers: { cookie: cookieHeader, accept: 'application/json' } });
      assert.equal(res.status, 200);
    }
    assert.equal((await direct(0, cookieHeader)).status, 200);
    assert.equal((await direct(1, cookieHeader)).status, 200);
  });

  it('50 concurrent checks across both replicas on a token due for refresh: exactly one refresh', async () => {
    const { cookieHeader } = await signInOverHttp(stack.baseUrl, { login: 'bob', password: 'bob' });
    const grants = stack.idp.counters.refreshGrants;
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => direct(i % 2, cookieHeader)));
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
    assert.equal(stack.idp.counters.refreshGrants - grants, 1, 'one refresh call reached the provider');
    assert.equal(new Set(answers.map((a) => a.headers.authorization)).size <= 2, true, 'old token or the one refreshed token');
    assert.ok(answers.every((a) => a.setCookies.length === 0));
  });

  it('Redis down: checks fail closed (5xx, never 200), readiness turns false; Redis back: both recover, sessions survive', async () => {
    const { cookieHeader } = await signInOverHttp(stack.baseUrl, { login: 'carol', password: 'carol' });
    await redis.stop();
    for (const replica of [0, 1]) {
      const res = await direct(replica, cookieHeader);
      assert.ok(res.status >= 500, `replica ${replica} answered ${res.status}`);
      assert.equal(res.headers['x-auth-request-user'], undefined);
    }
    const viaNginx = await httpRequest(`${stack.baseUrl}/`, { headers: { cookie: cookieHeader } });
    assert.equal(viaNginx.status, 500);
    assert.ok(await eventually(async () => (await ready(0)) === 503 && (await ready(1)) === 503, 50), 'not ready within 5 s');

    await redis.restart();
    assert.ok(await eventually(async () => (await ready(0)) === 200 && (await ready(1)) === 200), 'ready again');
    assert.ok(await eventually(async () => (await direct(0, cookieHeader)).status === 200 && (await direct(1, cookieHeader)).status === 200), 'the session survived the restart');
  });

  it('a back-channel logout sent by the provider ends the session on both replicas', async () => {
    const signedIn = await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice' });
    assert.equal((await direct(1, signedIn.cookieHeader)).status, 200);
    await logoutAtProvider(signedIn.jar, stack.idp.issuer);
    assert.ok(await eventually(async () => (await direct(0, signedIn.cookieHeader)).status === 401, 50));
    assert.equal((await direct(1, signedIn.cookieHeader)).status, 401);
  });
});

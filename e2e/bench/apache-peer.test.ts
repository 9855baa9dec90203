/**
 * The benchmark's Apache peer against a real test provider and a real Redis: mod_auth_openidc
 * signs alice in once through the provider's login form with PKCE, its session passes and no
 * session is sent to the provider; checks with a session never call the provider; and closing
 * stops every Apache process.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestIdp, type TestIdp } from '../idp/test-idp.ts';
import { httpRequest } from '../support/http-client.ts';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.ts';
import { APACHE_ROWS, apachePeer, apachePeerNotes, type ApachePeer, type PeerTarget } from '../../bench/apache-peer.ts';

let idp: TestIdp;
let redis: RedisServerHandle;
let peer: ApachePeer;
let targets: PeerTarget[];

before(async () => {
  peer = await apachePeer(0);
  idp = await startTestIdp({ clients: [peer.client] });
  redis = await startRedisServer();
  targets = await peer.targets(idp.issuer, redis.url);
});

after(async () => {
  await peer.close();
  await redis.stop();
  await idp.close();
});

test('three rows: the static floor, the shm cache and the Redis cache', () => {
  assert.deepEqual(
    targets.map((t) => t.name),
    [APACHE_ROWS.static, APACHE_ROWS.shm, APACHE_ROWS.redis],
  );
});

test('the static floor answers 200 with an empty body and no authentication', async () => {
  const answer = await httpRequest(targets[0]?.url ?? '');
  assert.equal(answer.status, 200);
  assert.equal(answer.body, '');
});

test('a session passes without calling the provider; without one, a PKCE redirect to the provider', async () => {
  for (const target of targets.slice(1)) {
    const before = { ...idp.counters };
    for (let i = 0; i < 20; i++) assert.equal((await httpRequest(target.url, { headers: target.headers })).status, 200, target.name);
    assert.deepEqual(idp.counters, before, `${target.name} called the provider`);
    const without = await httpRequest(target.url, { headers: { accept: 'text/html' } });
    assert.equal(without.status, 302);
    const authorize = new URL(without.headers.location ?? '');
    assert.equal(authorize.origin, idp.issuer);
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(authorize.searchParams.get('scope'), 'openid profile email groups');
  }
});

test('a cookie the module did not issue is not a session', async () => {
  const answer = await httpRequest(targets[1]?.url ?? '', { headers: { cookie: 'mod_auth_openidc_session=0f3c8e3e-0000-4000-8000-000000000000', accept: 'text/html' } });
  assert.equal(answer.status, 302);
});

test('the notes set gatehouse against mod_auth_openidc and Apache against bare Node', () => {
  const row = (name: string, requestsPerSecond: number, cpuMicrosPerRequest: number) => ({ name, requestsPerSecond, p50Ms: 1, p99Ms: 2, ratio: 1, minRatio: undefined, cpuMicrosPerRequest, cpuRatio: 1 });
  const notes = apachePeerNotes([row('bare Node http server (200)', 20_000, 10), row('gatehouse /oauth2/auth, memory store', 9_000, 20), row(APACHE_ROWS.static, 16_000, 20), row(APACHE_ROWS.shm, 6_000, 100)]);
  assert.deepEqual(notes, [
    'gatehouse ÷ mod_auth_openidc (memory store ÷ shm cache, one core each, goal >= 1): 1.50 (5.00 by CPU per request)',
    "mod_auth_openidc ÷ Apache's static file: 0.38 (0.20 by CPU per request)",
    "Apache's static file ÷ bare Node: 0.80 (0.50 by CPU per request)",
  ]);
});

test('closing stops Apache, its workers too: nothing listens on its ports any more', async () => {
  await peer.close();
  for (const { url } of targets) assert.equal(await httpRequest(url).then(() => 'answered', () => 'refused'), 'refused', url);
});

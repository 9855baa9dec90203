import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '../../../e2e/support/redis-server.ts';
import { redisTestConfig, urlWith } from '../../test/support/redis-config.ts';
import { eventually } from '../../test/support/eventually.ts';
import { createRedisStore } from './redis-store.ts';
import { createSealer } from './seal.ts';
import { newSessionId } from './session-id.ts';
import { legacySessionId, runSessionStoreContract, sampleRecord } from './store.contract.ts';
import type { SessionStore } from './store.ts';

const UNIT = 200;
const sealer = createSealer([randomBytes(32)]);

/** The two layouts a session may be kept in, told apart by its id (session-id.ts). */
const LAYOUTS = [
  // db: a database of each layout's own, for the test that lists every key in it.
  { name: 'compact layout', newId: newSessionId, key: (prefix: string, id: string): string => `${prefix}s:${id}`, db: 3 },
  { name: 'hash layout (sessions made by earlier versions)', newId: legacySessionId, key: (prefix: string, id: string): string => `${prefix}session:${id}`, db: 4 },
] as const;

let server: RedisServerHandle;
const stores: SessionStore[] = [];
const raws: Redis[] = [];
before(async () => {
  server = await startRedisServer();
});
after(async () => {
  for (const store of stores) await store.close();
  for (const raw of raws) raw.disconnect();
  await server?.stop();
});

const storeFor = (...args: Parameters<typeof redisTestConfig>): { store: SessionStore; prefix: string } => {
  const config = redisTestConfig(...args);
  const store = createRedisStore(config, sealer);
  stores.push(store);
  return { store, prefix: config.keyPrefix };
};
/** A plain client for looking at what the store wrote. */
const rawClient = (db = 0): Redis => {
  const raw = new Redis({ host: '127.0.0.1', port: server.port, db });
  raws.push(raw);
  return raw;
};

const SECRETS = ['id.token.value', 'zed-the-user', 'example.com', 'devs', 'X-Auth-Request-User', 'sid-'];

for (const layout of LAYOUTS) {
  runSessionStoreContract(`redis, ${layout.name}`, async () => ({ store: storeFor(server.url).store, advance: (ms) => sleep(ms) }), UNIT, layout.newId);
}

describe('redis store, compact layout', () => {
  test('keeps sessions sealed in one binary string: the absolute expiry in clear, no token, claim or name', async () => {
    const { store, prefix } = storeFor(server.url);
    const id = newSessionId();
    const record = sampleRecord(Date.now(), 3_600_000, 'zed-the-user');
    await store.set(id, record, 60_000);
    const raw = rawClient();
    assert.equal(await raw.type(`${prefix}s:${id}`), 'string');
    const value = (await raw.getBuffer(`${prefix}s:${id}`)) as Buffer;
    assert.equal(value[0], 1, 'the layout');
    assert.equal(value.readDoubleBE(1), record.expiresAt);
    for (const text of [value.toString('latin1'), value.toString('utf8')]) {
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `raw value contains ${secret}`);
    }
  });

  test('a truncated value reads as missing', async () => {
    const { store, prefix } = storeFor(server.url);
    const id = newSessionId();
    const base = sampleRecord(Date.now());
    await store.set(id, { ...base, tokens: { ...base.tokens, accessToken: 'x'.repeat(9000) } }, 60_000);
    const raw = rawClient();
    const value = (await raw.getBuffer(`${prefix}s:${id}`)) as Buffer;
    await raw.set(`${prefix}s:${id}`, value.subarray(0, -10), 'PX', 60_000);
    const other = createRedisStore({ ...redisTestConfig(server.url), keyPrefix: prefix }, sealer);
    stores.push(other);
    assert.equal(await other.get(id, 60_000), undefined);
  });
});

describe('redis store, hash layout of earlier versions', () => {
  test('keeps sessions sealed: the raw value shows no token, claim or name', async () => {
    const { store, prefix } = storeFor(server.url);
    const id = legacySessionId();
    const record = sampleRecord(Date.now(), 3_600_000, 'zed-the-user');
    await store.set(id, record, 60_000);
    const raw = await rawClient().hgetall(`${prefix}session:${id}`);
    assert.deepEqual(Object.keys(raw).sort(), ['data', 'expiresAt', 'tag']);
    assert.equal(raw.expiresAt, String(record.expiresAt));
    const dump = JSON.stringify(raw);
    for (const secret of SECRETS) {
      assert.ok(!dump.includes(secret), `raw value contains ${secret}`);
    }
  });

  test('keeps a session larger than a cookie could hold, and refuses it when truncated', async () => {
    const { store, prefix } = storeFor(server.url);
    const id = legacySessionId();
    const base = sampleRecord(Date.now());
    const big = 'x'.repeat(9000);
    const record = { ...base, tokens: { ...base.tokens, idToken: `id.${big}`, accessToken: `at.${big}`, refreshToken: `rt.${big}` } };
    await store.set(id, record, 60_000);
    assert.deepEqual(await store.get(id, 60_000), record);
    const raw = rawClient();
    const data = (await raw.hget(`${prefix}session:${id}`, 'data')) ?? '';
    assert.ok(data.length > 8192, 'larger than a cookie-sized sealed value');
    await raw.hset(`${prefix}session:${id}`, 'data', data.slice(0, -10), 'tag', 'changed');
    const other = createRedisStore({ ...redisTestConfig(server.url), keyPrefix: prefix }, sealer);
    stores.push(other);
    assert.equal(await other.get(id, 60_000), undefined, 'truncated');
  });
});

for (const { name, newId, key, db } of LAYOUTS) describe(`redis store, ${name}`, () => {

  test('reads a value copied to another key, or sealed with keys since rotated away, as missing', async () => {
    const { store, prefix } = storeFor(server.url);
    const raw = rawClient();
    const id = newId();
    await store.set(id, sampleRecord(Date.now()), 60_000);
    const copy = newId();
    await raw.copy(key(prefix, id), key(prefix, copy));
    assert.equal(await store.get(copy, 60_000), undefined, 'copied under another id');
    const rotated = createRedisStore(redisTestConfig(server.url, { keyPrefix: prefix }), createSealer([randomBytes(32)]));
    stores.push(rotated);
    assert.equal(await rotated.get(id, 60_000), undefined, 'sealed with a key no longer held');
    assert.ok(await store.get(id, 60_000), 'the original still reads');
  });

  test('keeps sessions with undefined fields equal after the round trip', async () => {
    const { store } = storeFor(server.url);
    const id = newId();
    const base = sampleRecord(Date.now());
    const record = { ...base, sid: undefined, tokens: { ...base.tokens, refreshToken: undefined, accessTokenExpiresAt: undefined } };
    await store.set(id, record, 60_000);
    assert.deepEqual(await store.get(id, 60_000), record);
  });

  test('a replica holding a decoded session sees another replica\'s update and deletion', async () => {
    const { store: replicaA, prefix } = storeFor(server.url);
    const replicaB = createRedisStore({ ...redisTestConfig(server.url), keyPrefix: prefix }, sealer);
    stores.push(replicaB);
    const id = newId();
    const first = sampleRecord(Date.now());
    await replicaA.set(id, first, 60_000);
    assert.deepEqual(await replicaB.get(id, 60_000), first);
    assert.deepEqual(await replicaB.get(id, 60_000), first, 'unchanged: answered from the local copy');
    const second = { ...first, tokens: { ...first.tokens, accessToken: 'refreshed' } };
    await replicaA.set(id, second, 60_000);
    // The announcement travels over pub/sub: it lands within milliseconds, well inside the local-copy window.
    await eventually(async () => assert.deepEqual(await replicaB.get(id, 60_000), second), 20, 10);
    await replicaA.delete(id);
    await eventually(async () => assert.equal(await replicaB.get(id, 60_000), undefined), 20, 10);
  });

  test('local copies are dropped as soon as the invalidation subscription is lost', async () => {
    const { store, prefix } = storeFor(server.url);
    const id = newId();
    await store.set(id, sampleRecord(Date.now()), 60_000);
    assert.ok(await store.get(id, 60_000));
    const raw = rawClient();
    // Gone from Redis without an announcement, then the subscriber connection is cut:
    // the store may have missed messages, so it must not answer from its copy any more.
    await raw.del(key(prefix, id));
    await raw.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    // By now the subscriber has reconnected and subscribed again, well inside the one-second window
    // in which the copy would otherwise still be trusted: the copy must be gone all the same.
    await sleep(300);
    assert.equal(await store.get(id, 60_000), undefined);
  });

  test('a change made without an announcement is seen within the one-second window', async () => {
    const { store, prefix } = storeFor(server.url);
    const id = newId();
    await store.set(id, sampleRecord(Date.now()), 60_000);
    assert.ok(await store.get(id, 60_000));
    await rawClient().del(key(prefix, id));
    await eventually(async () => assert.equal(await store.get(id, 60_000), undefined), 30, 50);
  });

  test('with GATEHOUSE_REDIS_LOCAL_TTL=0 every read goes to Redis', async () => {
    const config = redisTestConfig(server.url, { localTtlMs: 0 });
    const store = createRedisStore(config, sealer);
    stores.push(store);
    const id = newId();
    await store.set(id, sampleRecord(Date.now()), 60_000);
    assert.ok(await store.get(id, 60_000));
    await rawClient().del(key(config.keyPrefix, id));
    assert.equal(await store.get(id, 60_000), undefined, 'no local copy answered');
  });

  test('writes only keys under its prefix, in the database named by the URL', async () => {
    const { store, prefix } = storeFor(urlWith(server.url, {}, db));
    const id = newId();
    await store.set(id, sampleRecord(Date.now()), 60_000);
    await store.putOnce('state', 'v', 60_000);
    await store.claim('jti', 60_000);
    await store.addToIndex('sub:alice', id, 60_000);
    const token = await store.lock('refresh', 60_000);
    // The database is this test's alone: every key in it is one the store wrote.
    const keys = await rawClient(db).keys('*');
    assert.deepEqual(keys.sort(), [
      `${prefix}claim:jti`,
      `${prefix}index:sub:alice`,
      `${prefix}lock:refresh`,
      `${prefix}once:state`,
      key(prefix, id),
    ].sort());
    assert.equal((await rawClient(0).keys(`${prefix}*`)).length, 0, 'nothing in database 0');
    assert.ok(token);
    await store.unlock('refresh', token);
  });

  test('caps the idle expiry at the absolute expiry and lets Redis keep the TTL', async () => {
    const { store, prefix } = storeFor(server.url);
    const id = newId();
    await store.set(id, sampleRecord(Date.now(), 5_000), 60_000);
    const ttl = await rawClient().pttl(key(prefix, id));
    assert.ok(ttl > 4_000 && ttl <= 5_000, `TTL ${ttl} ms`);
    await store.get(id, 1_000);
    const slid = await rawClient().pttl(key(prefix, id));
    assert.ok(slid > 500 && slid <= 1_000, `TTL after a read ${slid} ms`);
  });

});

describe('redis store', () => {
  test('reports each operation to observe', async () => {
    const seen: Array<[string, boolean]> = [];
    const store = createRedisStore(redisTestConfig(server.url), sealer, {
      observe: (operation, seconds, ok) => {
        assert.ok(seconds >= 0 && seconds < 5);
        seen.push([operation, ok]);
      },
    });
    stores.push(store);
    await store.ping();
    await store.set('a', sampleRecord(Date.now()), 60_000);
    await store.get('a', 60_000);
    await store.delete('a');
    await store.putOnce('o', 'v', 60_000);
    await store.takeOnce('o');
    await store.claim('c', 60_000);
    await store.addToIndex('i', 'a', 60_000);
    await store.takeIndex('i');
    await store.unlock('l', (await store.lock('l', 60_000)) ?? '');
    const names = ['ping', 'set', 'publish', 'get', 'delete', 'publish', 'putOnce', 'takeOnce', 'claim', 'addToIndex', 'takeIndex', 'lock', 'unlock'];
    assert.deepEqual(seen, names.map((name) => [name, true]));
  });

  test('counts nothing: a count would need a scan', () => {
    assert.equal(storeFor(server.url).store.count(), -1);
  });
});

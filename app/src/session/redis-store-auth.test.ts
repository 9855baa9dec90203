import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { startRedisServer, type RedisServerHandle } from '../../../e2e/support/redis-server.ts';
import { redisTestConfig, urlWith } from '../../test/support/redis-config.ts';
import type { RedisConfig } from '../config/config.ts';
import { createRedisStore } from './redis-store.ts';
import { createSealer } from './seal.ts';
import { sampleRecord } from './store.contract.ts';
import { StoreUnavailableError, type SessionStore } from './store.ts';

const sealer = createSealer([randomBytes(32)]);
const DEFAULT_PASSWORD = 'default-Pa55word';
const ACL_USER = { name: 'gate-user', password: 'p@ss:w/rd%20?#' };
/** The least a store needs: its own keys and invalidation channel, the commands its scripts run, and PING, HELLO and INFO to connect. */
const LEAST_USER = { name: 'least', password: 'least-Pa55', prefix: 'gh:' };
const LEAST_RULES = [
  'on', `>${LEAST_USER.password}`, `~${LEAST_USER.prefix}*`, 'resetchannels', `&${LEAST_USER.prefix}invalidate`, '-@all',
  '+ping', '+hello', '+info', '+client|setname', '+select', '+evalsha', '+eval',
  '+get', '+getex', '+set', '+getdel', '+del', '+hmget', '+hget', '+hset', '+pexpire', '+pttl', '+sadd', '+smembers', '+publish', '+subscribe',
];

let server: RedisServerHandle;
const stores: SessionStore[] = [];
before(async () => {
  // Two ways in: the default user with requirepass, and an ACL user whose password needs URL encoding.
  server = await startRedisServer({
    password: DEFAULT_PASSWORD,
    aclUser: ACL_USER,
    extraArgs: [
      ['--user', LEAST_USER.name, ...LEAST_RULES],
      // One command short, so that writing a session gets an error reply.
      ['--user', 'no-set', ...LEAST_RULES.filter((rule) => rule !== '+set')],
    ].flat(),
  });
});
after(async () => {
  for (const store of stores) await store.close();
  await server?.stop();
});

const storeFor = (url: string, overrides: Partial<RedisConfig> = {}): SessionStore => {
  const store = createRedisStore(redisTestConfig(url, overrides), sealer);
  stores.push(store);
  return store;
};

const roundTrip = async (store: SessionStore): Promise<void> => {
  const id = randomBytes(8).toString('hex');
  const record = sampleRecord(Date.now());
  await store.set(id, record, 60_000);
  assert.deepEqual(await store.get(id, 60_000), record);
};

describe('redis store credentials', () => {
  test('an ACL user and password in the URL', async () => {
    await roundTrip(storeFor(urlWith(server.url, { user: ACL_USER.name, password: ACL_USER.password })));
  });

  test('an ACL user and password given separately', async () => {
    await roundTrip(storeFor(server.url, { username: ACL_USER.name, password: ACL_USER.password }));
  });

  test('a password alone, in the URL (both spellings) or separately', async () => {
    await roundTrip(storeFor(urlWith(server.url, { user: '', password: DEFAULT_PASSWORD })));
    await roundTrip(storeFor(urlWith(server.url, { user: DEFAULT_PASSWORD })));
    await roundTrip(storeFor(server.url, { password: DEFAULT_PASSWORD }));
  });

  test('credentials in the URL win over the separate settings', async () => {
    const url = urlWith(server.url, { user: ACL_USER.name, password: ACL_USER.password }, 2);
    await roundTrip(storeFor(url, { username: 'nobody', password: 'not-this-one' }));
  });

  test('a least-privilege ACL user limited to the key prefix', async () => {
    const store = storeFor(urlWith(server.url, { user: LEAST_USER.name, password: LEAST_USER.password }, 1), {
      keyPrefix: LEAST_USER.prefix,
    });
    await roundTrip(store);
    await store.delete('gone');
    await store.putOnce('o', 'v', 60_000);
    assert.equal(await store.takeOnce('o'), 'v');
    assert.equal(await store.claim('c', 60_000), true);
    await store.addToIndex('i', 'm', 60_000);
    assert.deepEqual(await store.takeIndex('i'), ['m']);
    const token = await store.lock('l', 60_000);
    assert.ok(token);
    await store.unlock('l', token);
    await store.ping();
  });

  test('an error reply fails with StoreUnavailableError that names no key and holds no value', async () => {
    const store = storeFor(urlWith(server.url, { user: 'no-set', password: LEAST_USER.password }), {
      keyPrefix: LEAST_USER.prefix,
    });
    const id = 'session-id-never-logged';
    const error = await store.set(id, sampleRecord(Date.now()), 60_000).then(
      () => assert.fail('set succeeded'),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof StoreUnavailableError, String(error));
    assert.match(error.message, /NOPERM/);
    const shown = inspect(error, { depth: 10, showHidden: true });
    assert.ok(!shown.includes(id) && !shown.includes('args'), shown);
  });

  test('a wrong password fails with StoreUnavailableError and never shows the password', async () => {
    const wrong = 'wr0ng-secret-value';
    for (const store of [
      storeFor(server.url, { password: wrong }),
      storeFor(urlWith(server.url, { user: ACL_USER.name, password: wrong })),
      storeFor(server.url, { username: 'nobody', password: wrong }),
    ]) {
      const started = Date.now();
      const error = await store.ping().then(
        () => assert.fail('ping succeeded'),
        (error: unknown) => error,
      );
      assert.ok(error instanceof StoreUnavailableError, String(error));
      assert.ok(Date.now() - started < 3000);
      assert.match(error.message, /WRONGPASS|NOAUTH|not connected/);
      assert.ok(!inspect(error, { depth: 10 }).includes(wrong), inspect(error, { depth: 10 }));
    }
  });

  test('no credentials fail with StoreUnavailableError', async () => {
    await assert.rejects(storeFor(server.url).ping(), StoreUnavailableError);
  });
});

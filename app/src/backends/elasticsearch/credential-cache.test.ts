import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '../../../../e2e/support/redis-server.ts';
import { createMemoryCredentialCache } from './credential-cache.ts';
import { runCredentialCacheContract } from './credential-cache.contract.ts';
import { createRedisCredentialCache } from './redis-credential-cache.ts';

const UNIT = 150;
let server: RedisServerHandle;
const clients: Redis[] = [];
before(async () => {
  server = await startRedisServer();
});
after(async () => {
  for (const client of clients) client.disconnect();
  await server?.stop();
});

/** A client set up as the service sets up its own: no queueing while disconnected. */
const redisClient = (port = server.port): Redis => {
  const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  clients.push(client);
  return client;
};
/** A plain client for looking at what the cache wrote. */
const rawClient = (): Redis => {
  const client = new Redis({ host: '127.0.0.1', port: server.port });
  clients.push(client);
  return client;
};

runCredentialCacheContract('memory', async () => {
  let clock = 1_000_000;
  return {
    cache: createMemoryCredentialCache({ now: () => clock }),
    advance: async (ms) => {
      clock += ms;
    },
  };
});

runCredentialCacheContract(
  'redis',
  async () => ({
    cache: createRedisCredentialCache(redisClient(), { keyPrefix: `t${randomBytes(4).toString('hex')}:` }),
    advance: (ms) => sleep(ms),
  }),
  UNIT,
);

describe('memory credential cache', () => {
  test('holds at most maxEntries values, dropping the oldest written', async () => {
    const cache = createMemoryCredentialCache({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd']) await cache.set(key, key, 60_000);
    assert.equal(await cache.get('a'), undefined);
    assert.deepEqual(await Promise.all(['b', 'c', 'd'].map((k) => cache.get(k))), ['b', 'c', 'd']);
  });
});

describe('redis credential cache', () => {
  test('writes only under its prefix, and the value as given', async () => {
    const prefix = `p${randomBytes(4).toString('hex')}:`;
    const cache = createRedisCredentialCache(redisClient(), { keyPrefix: prefix });
    await cache.set('alice', 'sealed-value', 60_000);
    const token = await cache.lock('alice', 60_000);
    assert.ok(token);
    const raw = rawClient();
    const keys = (await raw.keys(`${prefix}*`)).sort();
    assert.deepEqual(keys, [`${prefix}escred-lock:alice`, `${prefix}escred:alice`]);
    assert.equal(await raw.get(`${prefix}escred:alice`), 'sealed-value');
  });

  test('fails with an error instead of hanging when Redis is not there', async () => {
    const stopped = await startRedisServer();
    const client = redisClient(stopped.port);
    const cache = createRedisCredentialCache(client, { keyPrefix: 'x:', timeoutMs: 200 });
    await cache.set('k', 'v', 60_000);
    await stopped.stop();
    await assert.rejects(cache.get('k'), { name: 'StoreUnavailableError' });
    await assert.rejects(cache.lock('k', 1000), { name: 'StoreUnavailableError' });
  });
});

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '../../../../e2e/support/redis-server.ts';
import { redisTestConfig } from '../../../test/support/redis-config.ts';
import { StoreUnavailableError } from '../../session/store.ts';
import { openRedisLink } from '../../session/redis-link.ts';
import { createRedisRequestRateLimiter } from './redis-request-rate-limiter.ts';
import { runRequestRateLimiterContract } from './request-rate-limiter.contract.ts';

let server: RedisServerHandle;
before(async () => {
  server = await startRedisServer();
});
after(() => server?.stop());

runRequestRateLimiterContract(
  'redis',
  async (limits) => {
    const link = openRedisLink(redisTestConfig(server.url));
    return { limiter: createRedisRequestRateLimiter(link, 'contract', limits), advance: (ms) => sleep(ms), close: () => link.close() };
  },
  1_000,
);

test('replicas share the count: requests through two limiters on one Redis add up', async () => {
  const config = redisTestConfig(server.url);
  const [a, b] = [openRedisLink(config), openRedisLink(config)];
  try {
    const limits = { limit: 3, windowMs: 5_000 };
    const [viaA, viaB] = [createRedisRequestRateLimiter(a, 'signin', limits), createRedisRequestRateLimiter(b, 'signin', limits)];
    assert.equal((await viaA.hit('start:192.0.2.10')).allowed, true);
    assert.equal((await viaB.hit('start:192.0.2.10')).allowed, true);
    assert.equal((await viaA.hit('start:192.0.2.10')).allowed, true);
    assert.equal((await viaB.hit('start:192.0.2.10')).allowed, false);
    assert.equal((await viaA.hit('start:192.0.2.10')).allowed, false);
  } finally {
    await a.close();
    await b.close();
  }
});

test('the keys live under the prefix and the limiter name, and expire with the window', async () => {
  const config = redisTestConfig(server.url);
  const link = openRedisLink(config);
  const raw = new Redis({ host: '127.0.0.1', port: server.port });
  try {
    await createRedisRequestRateLimiter(link, 'signin', { limit: 3, windowMs: 5_000 }).hit('start:192.0.2.11');
    const keys = await raw.keys(`${config.keyPrefix}*`);
    assert.deepEqual(keys, [`${config.keyPrefix}rate:signin:start:192.0.2.11`]);
    const ttl = await raw.pttl(keys[0] ?? '');
    assert.ok(ttl > 0 && ttl <= 5_000, String(ttl));
  } finally {
    raw.disconnect();
    await link.close();
  }
});

test('a counter left without expiry is given one, so it never refuses forever', async () => {
  const config = redisTestConfig(server.url);
  const link = openRedisLink(config);
  const raw = new Redis({ host: '127.0.0.1', port: server.port });
  try {
    await raw.set(`${config.keyPrefix}rate:signin:stuck`, '100');
    const verdict = await createRedisRequestRateLimiter(link, 'signin', { limit: 3, windowMs: 2_000 }).hit('stuck');
    assert.ok(!verdict.allowed && verdict.retryAfterMs <= 2_000, JSON.stringify(verdict));
    const ttl = await raw.pttl(`${config.keyPrefix}rate:signin:stuck`);
    assert.ok(ttl > 0 && ttl <= 2_000, String(ttl));
  } finally {
    raw.disconnect();
    await link.close();
  }
});

test('a Redis that cannot be reached rejects as unavailable, never as "allowed"', async () => {
  const link = openRedisLink(redisTestConfig('redis://127.0.0.1:1', { timeoutMs: 200 }));
  try {
    await assert.rejects(createRedisRequestRateLimiter(link, 'signin', { limit: 3, windowMs: 5_000 }).hit('x'), StoreUnavailableError);
  } finally {
    await link.close();
  }
});

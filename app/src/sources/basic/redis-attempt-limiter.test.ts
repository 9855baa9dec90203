import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '../../../../e2e/support/redis-server.ts';
import { redisTestConfig } from '../../../test/support/redis-config.ts';
import { StoreUnavailableError } from '../../session/store.ts';
import { attemptKeys } from './attempt-limiter.ts';
import { runAttemptLimiterContract } from './attempt-limiter.contract.ts';
import { createRedisAttemptLimiter } from './redis-attempt-limiter.ts';

let server: RedisServerHandle;
before(async () => {
  server = await startRedisServer();
});
after(() => server?.stop());

runAttemptLimiterContract('redis', async (limits) => ({ limiter: createRedisAttemptLimiter(redisTestConfig(server.url), limits), advance: (ms) => sleep(ms) }), 1_000);

test('replicas share the counts: a login blocked through one limiter is blocked through another', async () => {
  const config = redisTestConfig(server.url);
  const limits = { perUser: 2, perClient: 10, windowMs: 5_000 };
  const a = createRedisAttemptLimiter(config, limits);
  const b = createRedisAttemptLimiter(config, limits);
  try {
    const keys = attemptKeys('shared-user', '192.0.2.10');
    await a.failed(keys);
    await b.failed(keys);
    assert.equal((await a.blocked(keys))?.scope, 'user');
    assert.equal((await b.blocked(keys))?.scope, 'user');
  } finally {
    await a.close();
    await b.close();
  }
});

test('the keys live under the prefix, hold no login, and expire with the window', async () => {
  const config = redisTestConfig(server.url);
  const limiter = createRedisAttemptLimiter(config, { perUser: 2, perClient: 10, windowMs: 5_000 });
  const raw = new Redis({ host: '127.0.0.1', port: server.port });
  try {
    await limiter.failed(attemptKeys('visible-login', '192.0.2.11'));
    const keys = await raw.keys(`${config.keyPrefix}*`);
    assert.equal(keys.length, 2);
    for (const key of keys) {
      assert.ok(key.startsWith(`${config.keyPrefix}basic-failures:`), key);
      assert.ok(!key.includes('visible-login'), key);
      const ttl = await raw.pttl(key);
      assert.ok(ttl > 0 && ttl <= 5_000, `${key}: ${ttl}`);
    }
  } finally {
    raw.disconnect();
    await limiter.close();
  }
});

test('a Redis that cannot be reached rejects as unavailable, never as "not blocked"', async () => {
  const limiter = createRedisAttemptLimiter(redisTestConfig('redis://127.0.0.1:1', { timeoutMs: 200 }), { perUser: 2, perClient: 10, windowMs: 5_000 });
  try {
    const keys = attemptKeys('anyone', '192.0.2.12');
    await assert.rejects(async () => limiter.blocked(keys), StoreUnavailableError);
    await assert.rejects(limiter.failed(keys), StoreUnavailableError);
  } finally {
    await limiter.close();
  }
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '../../../e2e/support/redis-server.ts';
import { redisTestConfig } from '../../test/support/redis-config.ts';
import { openRedisLink } from '../session/redis-link.ts';
import { StoreUnavailableError } from '../session/store.ts';
import { createRedisPendingSignIns } from './redis-pending-sign-ins.ts';

let server: RedisServerHandle;
let raw: Redis;
before(async () => {
  server = await startRedisServer();
  raw = new Redis({ host: '127.0.0.1', port: server.port });
});
after(async () => {
  raw?.disconnect();
  await server?.stop();
});

test('beyond the bound, adding a sign-in names the oldest to drop, and the index never holds more', async () => {
  const config = redisTestConfig(server.url);
  const link = openRedisLink(config);
  let now = 1_000_000;
  try {
    const pending = createRedisPendingSignIns(link, { max: 3, timeoutMs: 600_000, now: () => now });
    const dropped: string[] = [];
    for (let i = 0; i < 10; i++) {
      now += 1;
      dropped.push(...(await pending.add(`state-${i}`, now + 600_000)));
      assert.ok((await raw.zcard(`${config.keyPrefix}pending-sign-ins`)) <= 3);
    }
    assert.deepEqual(dropped, ['state-0', 'state-1', 'state-2', 'state-3', 'state-4', 'state-5', 'state-6']);
    const ttl = await raw.pttl(`${config.keyPrefix}pending-sign-ins`);
    assert.ok(ttl > 590_000 && ttl <= 600_000, `the index expires with the login timeout: ${ttl}`);
  } finally {
    await link.close();
  }
});

test('a sign-in that came back no longer counts; expired ones are dropped without being named', async () => {
  const config = redisTestConfig(server.url);
  const link = openRedisLink(config);
  let now = 1_000_000;
  try {
    const pending = createRedisPendingSignIns(link, { max: 2, timeoutMs: 1_000, now: () => now });
    await pending.add('a', now + 1_000);
    await pending.add('b', now + 1_000);
    await pending.settle('a');
    assert.deepEqual(await pending.add('c', now + 1_000), [], 'a settled: room for c');
    now += 1_000;
    assert.deepEqual(await pending.add('d', now + 1_000), [], 'b and c expired: room for d');
    assert.deepEqual(await raw.zrange(`${config.keyPrefix}pending-sign-ins`, '0', '-1'), ['d']);
  } finally {
    await link.close();
  }
});

test('replicas share the bound', async () => {
  const config = redisTestConfig(server.url);
  const [a, b] = [openRedisLink(config), openRedisLink(config)];
  const now = (): number => 1_000_000;
  try {
    const [viaA, viaB] = [createRedisPendingSignIns(a, { max: 2, timeoutMs: 60_000, now }), createRedisPendingSignIns(b, { max: 2, timeoutMs: 60_000, now })];
    await viaA.add('x', 1_060_000);
    await viaB.add('y', 1_060_001);
    assert.deepEqual(await viaA.add('z', 1_060_002), ['x']);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a Redis that cannot be reached rejects as unavailable', async () => {
  const link = openRedisLink(redisTestConfig('redis://127.0.0.1:1', { timeoutMs: 200 }));
  try {
    await assert.rejects(createRedisPendingSignIns(link, { max: 2, timeoutMs: 60_000, now: Date.now }).add('x', Date.now() + 60_000), StoreUnavailableError);
  } finally {
    await link.close();
  }
});

/**
 * The Redis store's hot read against a real redis-server: what it answers for each state of a
 * session hash, how it leaves the key's expiry, and that it costs one round trip of plain
 * commands (no script) — checked with Redis's own command statistics.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '../../../e2e/support/redis-server.ts';
import { eventually } from '../../test/support/eventually.ts';
import { redisTestConfig } from '../../test/support/redis-config.ts';
import { createRedisClient, type RedisClient } from './redis-client.ts';
import { createSessionReader, type SessionReader } from './redis-session-read.ts';

const HOUR = 3_600_000;
let server: RedisServerHandle;
let client: RedisClient;
let raw: Redis;
let reader: SessionReader;
let key: string;

before(async () => {
  server = await startRedisServer();
  client = createRedisClient(redisTestConfig(server.url));
  raw = new Redis({ host: '127.0.0.1', port: server.port });
  reader = createSessionReader(client);
  // The store's client queues nothing while connecting: wait until it is ready.
  await new Promise((resolve, reject) => client.once('ready', resolve).once('error', reject));
});
after(async () => {
  client?.disconnect();
  raw?.disconnect();
  await server?.stop();
});
beforeEach(() => {
  key = `read:${randomBytes(8).toString('hex')}`;
});

/** A session hash as the store writes it. */
const plant = async (fields: { data?: string; tag?: string; expiresAt?: string }, ttlMs = HOUR): Promise<void> => {
  await raw.hset(key, fields);
  await raw.pexpire(key, ttlMs);
};

/** Calls of each command since the last reset, from INFO commandstats. */
const commandCalls = async (): Promise<Record<string, number>> => {
  const info = await raw.info('commandstats');
  return Object.fromEntries([...info.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)].map((m) => [m[1] as string, Number(m[2])]));
};

describe('session read', () => {
  test('an unknown session comes back with its data, and its idle expiry slides', async () => {
    const now = Date.now();
    await plant({ data: 'sealed-1', tag: 'tag-1', expiresAt: String(now + 10 * HOUR) }, 1_000);
    assert.deepEqual(await reader.read(key, 60_000, now, undefined), { state: 'found', sealed: 'sealed-1' });
    const ttl = await raw.pttl(key);
    assert.ok(ttl > 59_000 && ttl <= 60_000, `TTL ${ttl}`);
  });

  test('a version the caller holds is answered without its data, the slide capped by its expiry', async () => {
    const now = Date.now();
    await plant({ data: 'sealed-1', tag: 'tag-1', expiresAt: String(now + 30_000) });
    const read = await reader.read(key, 60_000, now, { tag: 'tag-1', record: { expiresAt: now + 30_000 } });
    assert.deepEqual(read, { state: 'unchanged' });
    const ttl = await raw.pttl(key);
    assert.ok(ttl > 29_000 && ttl <= 30_000, `TTL ${ttl}`);
  });

  test('a version changed since the caller decoded it is fetched', async () => {
    const now = Date.now();
    await plant({ data: 'sealed-2', tag: 'tag-2', expiresAt: String(now + HOUR) });
    assert.deepEqual(await reader.read(key, 60_000, now, { tag: 'tag-1', record: { expiresAt: now + HOUR } }), { state: 'found', sealed: 'sealed-2' });
  });

  test('an unknown session near its absolute expiry keeps no idle expiry beyond it', async () => {
    const now = Date.now();
    await plant({ data: 'sealed-1', tag: 'tag-1', expiresAt: String(now + 5_000) });
    assert.equal((await reader.read(key, 60_000, now, undefined)).state, 'found');
    await eventually(async () => {
      const ttl = await raw.pttl(key);
      assert.ok(ttl > 3_000 && ttl <= 5_000, `TTL ${ttl}`);
    }, 50, 20);
  });

  test('a session past its absolute expiry reads as missing and is deleted', async () => {
    const now = Date.now();
    await plant({ data: 'sealed-1', tag: 'tag-1', expiresAt: String(now - 1) });
    assert.deepEqual(await reader.read(key, 60_000, now, undefined), { state: 'missing' });
    await eventually(async () => assert.equal(await raw.exists(key), 0), 50, 20);
  });

  test('an expiry that is not a number reads as missing and is deleted; a hash without one is missing', async () => {
    const now = Date.now();
    await plant({ data: 'sealed-1', tag: 'tag-1', expiresAt: 'soon' });
    assert.deepEqual(await reader.read(key, 60_000, now, undefined), { state: 'missing' });
    await eventually(async () => assert.equal(await raw.exists(key), 0), 50, 20);
    await plant({ data: 'sealed-1', tag: 'tag-1' });
    assert.deepEqual(await reader.read(key, 60_000, now, undefined), { state: 'missing' });
    assert.deepEqual(await reader.read(`${key}:none`, 60_000, now, undefined), { state: 'missing' });
  });

  test('a key of another type is an error, never a session', async () => {
    await raw.set(key, 'not a hash', 'PX', HOUR);
    await assert.rejects(reader.read(key, 60_000, Date.now(), undefined), /WRONGTYPE/);
  });

  test('each read is plain commands: HMGET and PEXPIRE, no script, no second fetch while unchanged', async () => {
    const now = Date.now();
    await plant({ data: 'sealed-1', tag: 'tag-1', expiresAt: String(now + HOUR) });
    await raw.config('RESETSTAT');
    await Promise.all(Array.from({ length: 20 }, () => reader.read(key, 60_000, now, { tag: 'tag-1', record: { expiresAt: now + HOUR } })));
    await reader.read(key, 60_000, now, undefined);
    const calls = await commandCalls();
    assert.equal(calls.hmget, 21);
    assert.equal(calls.pexpire, 21);
    for (const command of ['evalsha', 'eval', 'hget', 'del']) assert.equal(calls[command] ?? 0, 0, command);
  });
});

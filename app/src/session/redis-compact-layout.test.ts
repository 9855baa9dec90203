/**
 * The compact layout against a real redis-server: what a read answers for each state of a session
 * key, how it leaves the key's expiry, and what it costs Redis — one GETEX, whether the replica holds
 * the session or not, no script — checked with Redis's own command statistics.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '../../../e2e/support/redis-server.ts';
import { eventually } from '../../test/support/eventually.ts';
import { redisTestConfig } from '../../test/support/redis-config.ts';
import { createRedisClient, type RedisClient } from './redis-client.ts';
import { compactLayout, type SessionLayout } from './redis-compact-layout.ts';
import { createSealer } from './seal.ts';
import { sampleRecord } from './store.contract.ts';

const HOUR = 3_600_000;
const sealer = createSealer([randomBytes(32)]);
let server: RedisServerHandle;
let client: RedisClient;
let raw: Redis;
let layout: SessionLayout<Buffer>;
let key: string;

before(async () => {
  server = await startRedisServer();
  client = createRedisClient(redisTestConfig(server.url));
  raw = new Redis({ host: '127.0.0.1', port: server.port });
  layout = compactLayout(client, sealer, 'compact:');
  // The store's client queues nothing while connecting: wait until it is ready.
  await new Promise((resolve, reject) => client.once('ready', resolve).once('error', reject));
});
after(async () => {
  client?.disconnect();
  raw?.disconnect();
  await server?.stop();
});
beforeEach(() => {
  key = layout.key(randomBytes(16).toString('base64url'));
});

/** Writes a session as the store does, expiring at `expiresAt`, and returns the tag of its version. */
const plant = async (expiresAt: number, ttlMs = HOUR): Promise<string> => {
  const record = { ...sampleRecord(Date.now()), expiresAt };
  await layout.write(key, record, ttlMs);
  const found = await layout.read(key, HOUR, Date.now(), undefined);
  assert.equal(found.state, 'found');
  const opened = found.state === 'found' ? layout.decode(key, found.raw) : undefined;
  assert.deepEqual(opened?.record, record);
  await raw.pexpire(key, ttlMs);
  return opened?.tag ?? '';
};

/** Calls of each command since the last reset, from INFO commandstats. */
const commandCalls = async (): Promise<Record<string, number>> => {
  const info = await raw.info('commandstats');
  return Object.fromEntries([...info.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)].map((m) => [m[1] as string, Number(m[2])]));
};

describe('compact layout', () => {
  test('a session the replica does not hold comes back whole, and its idle expiry slides', async () => {
    const now = Date.now();
    await plant(now + 10 * HOUR, 1_000);
    const read = await layout.read(key, 60_000, now, undefined);
    assert.equal(read.state, 'found');
    const ttl = await raw.pttl(key);
    assert.ok(ttl > 59_000 && ttl <= 60_000, `TTL ${ttl}`);
  });

  test('a version the replica holds is answered without the record, the slide capped by its expiry', async () => {
    const now = Date.now();
    const tag = await plant(now + 30_000);
    assert.equal(tag.length, 22);
    assert.deepEqual(await layout.read(key, 60_000, now, { tag, record: { expiresAt: now + 30_000 } }), { state: 'unchanged' });
    const ttl = await raw.pttl(key);
    assert.ok(ttl > 29_000 && ttl <= 30_000, `TTL ${ttl}`);
  });

  test('a version changed since the replica decoded it is fetched', async () => {
    const now = Date.now();
    const old = await plant(now + HOUR);
    await plant(now + HOUR);
    const read = await layout.read(key, 60_000, now, { tag: old, record: { expiresAt: now + HOUR } });
    assert.equal(read.state, 'found');
  });

  test('a session near its absolute expiry keeps no idle expiry beyond it', async () => {
    const now = Date.now();
    await plant(now + 5_000);
    assert.equal((await layout.read(key, 60_000, now, undefined)).state, 'found');
    await eventually(async () => {
      const ttl = await raw.pttl(key);
      assert.ok(ttl > 3_000 && ttl <= 5_000, `TTL ${ttl}`);
    }, 50, 20);
  });

  test('a session past its absolute expiry reads as missing and is deleted, held or not', async () => {
    const now = Date.now();
    const tag = await plant(now + 1_000);
    assert.deepEqual(await layout.read(key, 60_000, now + 2_000, { tag, record: { expiresAt: now + 1_000 } }), { state: 'missing' });
    await eventually(async () => assert.equal(await raw.exists(key), 0), 50, 20);
    await plant(now + 1_000);
    assert.deepEqual(await layout.read(key, 60_000, now + 2_000, undefined), { state: 'missing' });
    await eventually(async () => assert.equal(await raw.exists(key), 0), 50, 20);
  });

  test('a value not in this layout reads as missing and is deleted; a missing key is missing', async () => {
    await raw.set(key, 'not a session', 'PX', HOUR);
    assert.deepEqual(await layout.read(key, 60_000, Date.now(), undefined), { state: 'missing' });
    await eventually(async () => assert.equal(await raw.exists(key), 0), 50, 20);
    assert.deepEqual(await layout.read(`${key}:none`, 60_000, Date.now(), undefined), { state: 'missing' });
    assert.deepEqual(await layout.read(`${key}:none`, 60_000, Date.now(), { tag: 'x', record: { expiresAt: Date.now() + HOUR } }), { state: 'missing' });
  });

  test('a value sealed for another key does not open', async () => {
    await plant(Date.now() + HOUR);
    const read = await layout.read(key, 60_000, Date.now(), undefined);
    assert.ok(read.state === 'found');
    assert.equal(layout.decode(`${key}x`, read.raw), undefined);
  });

  test('a key of another type is an error, never a session', async () => {
    await raw.hset(key, 'data', 'x');
    await assert.rejects(layout.read(key, 60_000, Date.now(), undefined), /WRONGTYPE/);
  });

  test('each read is one plain command, GETEX, held or not; no script', async () => {
    const now = Date.now();
    const tag = await plant(now + HOUR);
    await raw.config('RESETSTAT');
    await Promise.all(Array.from({ length: 20 }, () => layout.read(key, 60_000, now, { tag, record: { expiresAt: now + HOUR } })));
    await layout.read(key, 60_000, now, undefined);
    const calls = await commandCalls();
    assert.deepEqual(
      Object.fromEntries(Object.entries(calls).filter(([command]) => !['info', 'config|resetstat'].includes(command))),
      { getex: 21 },
    );
  });
});

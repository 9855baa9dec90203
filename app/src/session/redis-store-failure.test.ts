import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { freePort } from '../../../e2e/support/ports.ts';
import { startRedisServer, type RedisServerHandle } from '../../../e2e/support/redis-server.ts';
import { eventually } from '../../test/support/eventually.ts';
import { redisTestConfig } from '../../test/support/redis-config.ts';
import type { RedisConfig } from '../config/config.ts';
import { createRedisStore, type RedisStoreOptions } from './redis-store.ts';
import { createSealer } from './seal.ts';
import { sampleRecord } from './store.contract.ts';
import { StoreUnavailableError, type SessionStore } from './store.ts';

/** Behaviour, not speed: an operation takes about the 500 ms timeout at worst, far below this. */
const BOUND_MS = 3000;
const sealer = createSealer([randomBytes(32)]);
const servers: RedisServerHandle[] = [];
const stores: SessionStore[] = [];
after(async () => {
  for (const store of stores) await store.close();
  for (const server of servers) await server.stop();
});

const serverFor = async (options: Parameters<typeof startRedisServer>[0] = {}): Promise<RedisServerHandle> => {
  const server = await startRedisServer(options);
  servers.push(server);
  return server;
};
const storeFor = (url: string, overrides: Partial<RedisConfig> = {}, options: RedisStoreOptions = {}): SessionStore => {
  const store = createRedisStore(redisTestConfig(url, overrides), sealer, options);
  stores.push(store);
  return store;
};

/** Every operation of the store, with the names observe reports. */
const everyOperation = (store: SessionStore): Array<[string, () => Promise<unknown>]> => [
  ['get', () => store.get('s', 60_000)],
  ['set', () => store.set('s', sampleRecord(Date.now()), 60_000)],
  ['delete', () => store.delete('s')],
  ['putOnce', () => store.putOnce('o', 'v', 60_000)],
  ['takeOnce', () => store.takeOnce('o')],
  ['claim', () => store.claim('c', 60_000)],
  ['addToIndex', () => store.addToIndex('i', 'm', 60_000)],
  ['takeIndex', () => store.takeIndex('i')],
  ['lock', () => store.lock('l', 60_000)],
  ['unlock', () => store.unlock('l', 'token')],
  ['ping', () => store.ping()],
];

/** Runs every operation at once and asserts each rejects with StoreUnavailableError within the bound. */
async function assertAllUnavailable(store: SessionStore): Promise<string[]> {
  const outcomes = await Promise.all(
    everyOperation(store).map(async ([name, run]) => {
      const started = performance.now();
      const error = await run().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      const elapsed = performance.now() - started;
      assert.ok(error instanceof StoreUnavailableError, `${name}: ${String(error)}`);
      assert.ok(elapsed < BOUND_MS, `${name} took ${Math.round(elapsed)} ms`);
      return error.message;
    }),
  );
  return outcomes;
}

describe('redis store when Redis fails', () => {
  test('fails every operation fast while Redis is down, and recovers when it is back', async () => {
    const server = await serverFor();
    const seen: Array<[string, boolean]> = [];
    const store = storeFor(server.url, {}, { observe: (operation, _seconds, ok) => void seen.push([operation, ok]) });
    await store.ping();
    await server.kill();
    seen.length = 0;
    const messages = await assertAllUnavailable(store);
    assert.ok(messages.every((message) => message.startsWith('Redis ')), messages.join('\n'));
    assert.deepEqual(seen.map(([, ok]) => ok), everyOperation(store).map(() => false), 'observe saw each failure');
    assert.deepEqual(seen.map(([name]) => name).sort(), everyOperation(store).map(([name]) => name).sort());

    await server.restart();
    await eventually(() => store.ping());
    for (const [name, run] of everyOperation(store)) await assert.doesNotReject(run(), name);
  });

  test('times out every operation on a Redis that stops answering, and recovers', async () => {
    const server = await serverFor();
    const store = storeFor(server.url, { timeoutMs: 300 });
    await store.ping();
    // SIGSTOP keeps the connection open but silent: only the timeout can end the wait.
    process.kill(server.pid, 'SIGSTOP');
    try {
      const messages = await assertAllUnavailable(store);
      assert.ok(messages.some((message) => /timed out|within 300 ms/.test(message)), messages.join('\n'));
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    await eventually(() => store.ping());
    await store.set('after', sampleRecord(Date.now()), 60_000);
    assert.ok(await store.get('after', 60_000));
  });

  test('keeps sessions across a Redis restart with append-only persistence', async () => {
    const server = await serverFor({ appendOnly: true });
    const store = storeFor(server.url);
    const record = sampleRecord(Date.now());
    await store.set('kept', record, 60_000);
    await store.putOnce('state', 'pending', 60_000);
    await server.restart();
    await eventually(async () => assert.deepEqual(await store.get('kept', 60_000), record));
    assert.equal(await store.takeOnce('state'), 'pending');
  });

  test('starts before Redis: fails fast, then connects once Redis is up', async () => {
    const port = await freePort();
    const store = storeFor(`redis://127.0.0.1:${port}`);
    const started = performance.now();
    await assert.rejects(store.ping(), (error: unknown) => {
      assert.ok(error instanceof StoreUnavailableError);
      assert.match(error.message, /ECONNREFUSED/);
      return true;
    });
    assert.ok(performance.now() - started < BOUND_MS);
    await serverFor({ port });
    await eventually(() => store.ping());
  });

  test('lets operations issued right after creation wait for the first connection', async () => {
    const server = await serverFor();
    const store = storeFor(server.url);
    await store.set('first', sampleRecord(Date.now()), 60_000);
    assert.ok(await store.get('first', 60_000));
  });

  test('closes within the bound even when Redis is gone, and refuses work afterwards', async () => {
    const server = await serverFor();
    const store = storeFor(server.url);
    await store.ping();
    await server.kill();
    const started = performance.now();
    await store.close();
    assert.ok(performance.now() - started < BOUND_MS);
    await assert.rejects(store.ping(), StoreUnavailableError);
    await store.close();
  });
});

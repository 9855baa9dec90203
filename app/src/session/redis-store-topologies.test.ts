import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { redisCli } from '../../../e2e/support/redis-cli.ts';
import { startRedisCluster, type RedisClusterHandle } from '../../../e2e/support/redis-cluster.ts';
import { startRedisSentinel, type RedisSentinelHandle } from '../../../e2e/support/redis-sentinel.ts';
import { startRedisServer, type RedisServerHandle } from '../../../e2e/support/redis-server.ts';
import { eventually } from '../../test/support/eventually.ts';
import { redisTestConfig } from '../../test/support/redis-config.ts';
import type { RedisConfig } from '../config/config.ts';
import { createRedisStore } from './redis-store.ts';
import { createSealer } from './seal.ts';
import { runSessionStoreContract, sampleRecord, type StoreHarness } from './store.contract.ts';
import { StoreUnavailableError, type SessionStore } from './store.ts';

const UNIT = 200;
const PASSWORD = 'topology-Pa55';
const sealer = createSealer([randomBytes(32)]);

/** Round trip of the operations a sign-in and a check use. */
async function roundTrip(store: SessionStore): Promise<void> {
  const record = sampleRecord(Date.now());
  await store.set('s1', record, 60_000);
  assert.deepEqual(await store.get('s1', 60_000), record);
  await store.putOnce('state', 'v', 60_000);
  assert.equal(await store.takeOnce('state'), 'v');
  assert.equal(await store.takeOnce('state'), undefined);
}

describe('redis store through Sentinel', () => {
  let master: RedisServerHandle;
  let sentinel: RedisSentinelHandle;
  const config = (): RedisConfig =>
    redisTestConfig('redis://unused', {
      mode: 'sentinel',
      url: undefined,
      sentinels: [{ host: '127.0.0.1', port: sentinel.port }],
      sentinelMaster: sentinel.masterName,
      password: PASSWORD,
    });
  before(async () => {
    master = await startRedisServer({ password: PASSWORD });
    sentinel = await startRedisSentinel(master, { masterPassword: PASSWORD, password: PASSWORD });
  });
  after(async () => {
    await sentinel?.stop();
    await master?.stop();
  });

  runSessionStoreContract(
    'redis sentinel',
    async (): Promise<StoreHarness> => ({ store: createRedisStore(config(), sealer), advance: (ms) => sleep(ms) }),
    UNIT,
  );

  test('reaches the master the sentinel names', async () => {
    const store = createRedisStore(config(), sealer);
    try {
      await roundTrip(store);
    } finally {
      await store.close();
    }
  });
});

describe('redis store on a cluster', () => {
  let cluster: RedisClusterHandle;
  const config = (): RedisConfig =>
    redisTestConfig('redis://unused', {
      mode: 'cluster',
      url: undefined,
      clusterNodes: cluster.nodes.slice(0, 1).map((node) => ({ host: '127.0.0.1', port: node.port })),
      password: PASSWORD,
    });
  before(async () => {
    cluster = await startRedisCluster({ masters: 3, password: PASSWORD });
  });
  after(async () => {
    await cluster?.stop();
  });

  runSessionStoreContract(
    'redis cluster',
    async (): Promise<StoreHarness> => ({ store: createRedisStore(config(), sealer), advance: (ms) => sleep(ms) }),
    UNIT,
  );

  test('spreads keys over the masters from one seed node, one key per operation', async () => {
    const store = createRedisStore(config(), sealer);
    try {
      await roundTrip(store);
      for (let i = 0; i < 30; i++) {
        await store.set(`spread-${i}`, sampleRecord(Date.now()), 60_000);
        await store.addToIndex(`sub:${i}`, `spread-${i}`, 60_000);
        assert.deepEqual(await store.takeIndex(`sub:${i}`), [`spread-${i}`]);
        const token = await store.lock(`refresh:${i}`, 60_000);
        assert.ok(token);
        await store.unlock(`refresh:${i}`, token);
      }
      const sizes = await Promise.all(
        cluster.nodes.map(async (node) => Number(await redisCli(node.port, ['DBSIZE'], { password: PASSWORD }))),
      );
      assert.ok(sizes.filter((size) => size > 0).length >= 2, `keys per node: ${sizes.join(', ')}`);
    } finally {
      await store.close();
    }
  });

  // Last in this suite: it takes a node down. Without replicas the cluster refuses every slot
  // once it marks the node failed, so only the bound and the recovery are asserted.
  test('bounds operations while a node is dead, and recovers after its restart', async () => {
    const store = createRedisStore(config(), sealer);
    const ids = Array.from({ length: 12 }, (_, i) => `node-${i}`);
    const readAll = (): Promise<boolean[]> =>
      Promise.all(
        ids.map(async (id) => {
          const started = performance.now();
          const outcome = await store.get(id, 60_000).then(() => true, (error: unknown) => error);
          assert.ok(performance.now() - started < 3000, `${id} took ${Math.round(performance.now() - started)} ms`);
          if (outcome !== true) assert.ok(outcome instanceof StoreUnavailableError, String(outcome));
          return outcome === true;
        }),
      );
    try {
      assert.ok((await readAll()).every(Boolean));
      const node = cluster.nodes[1];
      assert.ok(node);
      await node.kill();
      assert.ok((await readAll()).some((ok) => !ok), 'some of the keys live on the dead node');
      await node.restart();
      await eventually(async () => assert.ok((await readAll()).every(Boolean)), 60, 250);
    } finally {
      await store.close();
    }
  });
});

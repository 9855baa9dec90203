import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '../../../../e2e/support/redis-server.ts';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '../../../../e2e/stand-ins/elasticsearch/stand-in.ts';
import { BackendUnavailableError } from '../errors.ts';
import { createCredentialSealer } from './credential-entry.ts';
import { backendFor, type BackendOptions } from './provision.fixture.ts';
import { createRedisCredentialCache } from './redis-credential-cache.ts';

let standIn: ElasticsearchStandIn;
let redis: RedisServerHandle;
const clients: Redis[] = [];
before(async () => {
  standIn = await startElasticsearchStandIn();
  redis = await startRedisServer();
});
after(async () => {
  for (const client of clients) client.disconnect();
  await standIn?.close();
  await redis?.stop();
});

const client = (options: { offlineQueue?: boolean; port?: number } = {}): Redis => {
  const created = new Redis({
    host: '127.0.0.1',
    port: options.port ?? redis.port,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: options.offlineQueue ?? false,
  });
  clients.push(created);
  return created;
};

/** `count` replicas: each its own Redis connection and provisioner, sharing the key prefix and the secret. */
function replicas(count: number, options: BackendOptions = {}) {
  const keyPrefix = `t${randomBytes(4).toString('hex')}:`;
  const sealer = createCredentialSealer([randomBytes(32)]);
  const made = Array.from({ length: count }, () =>
    backendFor(standIn, { sealer, cache: createRedisCredentialCache(client(), { keyPrefix }), ...options }),
  );
  return { keyPrefix, backends: made };
}

const identity = (username: string, roles = ['viewer']) => ({ username, roles, groups: ['devs'] });

describe('concurrent first requests', () => {
  test('20 at once in one process make exactly one upsert, and every answer authenticates', async () => {
    const backend = backendFor(standIn);
    const answers = await Promise.all(Array.from({ length: 20 }, () => backend.provisioner.provision(identity('burst-bea'))));
    assert.equal(standIn.upserts('burst-bea'), 1);
    assert.equal(new Set(answers.map((a) => a.authorization)).size, 1);
    assert.ok(standIn.authenticate(answers[0]?.authorization as string));
  });

  test('two replicas on one Redis, 10 requests each, make exactly one upsert, and every answer authenticates', async () => {
    const { backends } = replicas(2);
    const answers = await Promise.all(
      backends.flatMap((backend) => Array.from({ length: 10 }, () => backend.provisioner.provision(identity('shared-sam')))),
    );
    assert.equal(standIn.upserts('shared-sam'), 1);
    for (const { authorization } of answers) assert.ok(standIn.authenticate(authorization));
    assert.equal(new Set(answers.map((a) => a.authorization)).size, 1);
  });

  test('concurrent requests with different roles for one user end with one password that works for all', async () => {
    const { backends } = replicas(2);
    const answers = await Promise.all(
      backends.flatMap((backend, i) => Array.from({ length: 5 }, () => backend.provisioner.provision(identity('mixed-max', [`role-${i}`])))),
    );
    assert.equal(standIn.upserts('mixed-max'), 2, 'one upsert per distinct set of roles');
    for (const { authorization } of answers) assert.ok(standIn.authenticate(authorization));
  });
});

describe('the shared cache', () => {
  test('an entry tampered with in Redis is replaced, not an error', async () => {
    const { keyPrefix, backends } = replicas(1);
    const backend = backends[0]!;
    const first = await backend.provisioner.provision(identity('redis-rita'));
    const raw = client({ offlineQueue: true });
    const key = `${keyPrefix}escred:redis-rita`;
    const stored = (await raw.get(key)) as string;
    const bytes = Buffer.from(stored, 'base64url');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0x01;
    await raw.set(key, bytes.toString('base64url'), 'PX', 60_000);
    const second = await backend.provisioner.provision(identity('redis-rita'));
    assert.notEqual(second.authorization, first.authorization);
    assert.ok(standIn.authenticate(second.authorization));
    assert.equal(standIn.upserts('redis-rita'), 2);
    assert.equal(await backend.count('gatehouse_credential_cache_total', { result: 'invalid' }), 1);
  });

  test('a lock left by a replica that died is waited out, then taken', async () => {
    const { backends } = replicas(1, { lock: { waitMs: 5000, pollMs: 20 } });
    const backend = backends[0]!;
    assert.ok(await backend.cache.lock('lost-lou', 300), 'the dead replica held the lock');
    const { authorization } = await backend.provisioner.provision(identity('lost-lou'));
    assert.ok(standIn.authenticate(authorization));
    assert.equal(standIn.upserts('lost-lou'), 1);
  });

  test('a lock held longer than the wait fails closed with 503', async () => {
    const { backends } = replicas(1, { lock: { waitMs: 100, pollMs: 20 } });
    const backend = backends[0]!;
    assert.ok(await backend.cache.lock('stuck-stu', 60_000));
    await assert.rejects(backend.provisioner.provision(identity('stuck-stu')), (error: unknown) => {
      assert.ok(error instanceof BackendUnavailableError);
      assert.equal(error.reason, 'lock_timeout');
      assert.equal(error.status, 503);
      return true;
    });
    assert.equal(standIn.upserts('stuck-stu'), 0);
  });

  test('Redis down fails closed with 503 and writes nothing', async () => {
    const stopped = await startRedisServer();
    const backend = backendFor(standIn, {
      cache: createRedisCredentialCache(client({ port: stopped.port }), { keyPrefix: 'down:', timeoutMs: 200 }),
    });
    await backend.provisioner.provision(identity('down-dan'));
    await stopped.stop();
    await assert.rejects(backend.provisioner.provision(identity('down-dan', ['other'])), (error: unknown) => {
      assert.ok(error instanceof BackendUnavailableError);
      assert.equal(error.reason, 'cache_unavailable');
      assert.equal(error.status, 503);
      return true;
    });
    assert.equal(standIn.upserts('down-dan'), 1);
  });
});

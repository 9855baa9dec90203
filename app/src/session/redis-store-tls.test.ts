import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { startRedisServer, type RedisServerHandle } from '../../../e2e/support/redis-server.ts';
import { createTestCertificates, type TestCertificates } from '../../../e2e/support/tls-certificates.ts';
import { redisTestConfig } from '../../test/support/redis-config.ts';
import type { RedisConfig } from '../config/config.ts';
import { createRedisStore } from './redis-store.ts';
import { createSealer } from './seal.ts';
import { sampleRecord } from './store.contract.ts';
import { StoreUnavailableError, type SessionStore } from './store.ts';

const PASSWORD = 'tls-Pa55word';
const sealer = createSealer([randomBytes(32)]);
let certificates: TestCertificates;
let server: RedisServerHandle;
const stores: SessionStore[] = [];
before(async () => {
  certificates = await createTestCertificates();
  server = await startRedisServer({ tls: certificates, password: PASSWORD });
});
after(async () => {
  for (const store of stores) await store.close();
  await server?.stop();
  if (certificates) await rm(certificates.dir, { recursive: true, force: true });
});

const storeFor = (url: string, overrides: Partial<RedisConfig> = {}): SessionStore => {
  const store = createRedisStore(redisTestConfig(url, { password: PASSWORD, ...overrides }), sealer);
  stores.push(store);
  return store;
};

describe('redis store over TLS', () => {
  // Runs before the test CA is trusted below: the certificate must be verified, not just accepted.
  test('refuses a server whose certificate it cannot verify', async () => {
    await assert.rejects(storeFor(server.url).ping(), (error: unknown) => {
      assert.ok(error instanceof StoreUnavailableError);
      assert.match(error.message, /certificate/i);
      return true;
    });
  });

  test('talks TLS for a rediss:// URL, and for redis:// with tls set', async () => {
    setDefaultCACertificates([...getCACertificates('default'), certificates.caPem]);
    for (const store of [storeFor(server.url), storeFor(server.url.replace('rediss:', 'redis:'), { tls: true })]) {
      const record = sampleRecord(Date.now());
      await store.set('s', record, 60_000);
      assert.deepEqual(await store.get('s', 60_000), record);
    }
  });

  test('fails within the bound when TLS is expected but not configured', async () => {
    const started = performance.now();
    await assert.rejects(storeFor(server.url.replace('rediss:', 'redis:'), { tls: false }).ping(), StoreUnavailableError);
    assert.ok(performance.now() - started < 3000);
  });
});

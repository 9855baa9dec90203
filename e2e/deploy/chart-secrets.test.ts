/**
 * The chart Secret holds only what the values give or the chart generates; an existingSecret takes
 * its place key by key; generated cookie keys are valid gatehouse keys; and the checksum annotations
 * roll the pods when a setting or a secret changes, and only then.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderChart } from './support/helm.ts';
import { at, only, parseManifests } from './support/manifests.ts';
import type { Manifest } from './support/manifests.ts';

const MINIMAL = 'chart/ci/default-values.yaml';

function secretKeys(manifests: readonly Manifest[]): string[] {
  const secret = manifests.find((m) => m.kind === 'Secret');
  return secret === undefined ? [] : Object.keys(secret['data'] as object).sort();
}

function projectedFiles(manifests: readonly Manifest[]): { secret: string; key: string; path: string }[] {
  const volumes = at(only(manifests, 'Deployment', 'gh-gatehouse'), 'spec', 'template', 'spec', 'volumes') as { name: string; projected?: { sources: unknown[] } }[];
  const sources = volumes.find((v) => v.name === 'secrets')?.projected?.sources ?? [];
  return sources.map((source) => {
    const secret = at(source, 'secret') as { name: string; items: { key: string; path: string }[] };
    return { secret: secret.name, key: secret.items[0]?.key ?? '', path: secret.items[0]?.path ?? '' };
  });
}

function podAnnotations(manifests: readonly Manifest[]): Record<string, string> {
  return at(only(manifests, 'Deployment', 'gh-gatehouse'), 'spec', 'template', 'metadata', 'annotations') as Record<string, string>;
}

describe('chart secrets', () => {
  it('generates cookie keys when none are given: 32 random bytes, base64, as gatehouse expects', async () => {
    const manifests = parseManifests(await renderChart({ valuesFiles: [MINIMAL] }));
    assert.deepEqual(secretKeys(manifests), ['client-secret', 'cookie-secret']);
    const data = only(manifests, 'Secret')['data'] as Record<string, string>;
    const key = Buffer.from(data['cookie-secret'] ?? '', 'base64').toString('utf8');
    assert.match(key, /^[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(key, 'base64').length, 32);
    assert.equal(Buffer.from(data['client-secret'] ?? '', 'base64').toString('utf8'), 'client-secret-from-the-provider');
  });

  it('takes cookie keys as given (several, comma-separated, for rotation)', async () => {
    const keys = `${Buffer.alloc(32, 1).toString('base64')},${Buffer.alloc(32, 2).toString('base64')}`;
    const manifests = parseManifests(await renderChart({ valuesFiles: [MINIMAL], values: { cookie: { secret: keys } } }));
    const data = only(manifests, 'Secret')['data'] as Record<string, string>;
    assert.equal(Buffer.from(data['cookie-secret'] ?? '', 'base64').toString('utf8'), keys);
  });

  it('renders no Secret when every secret comes from existing Secrets, and mounts their keys', async () => {
    const manifests = parseManifests(await renderChart({ valuesFiles: ['chart/ci/external-sentinel-values.yaml'], values: { cookie: { existingSecret: 'keys', existingSecretKey: 'current' } } }));
    assert.deepEqual(secretKeys(manifests), []);
    assert.deepEqual(projectedFiles(manifests), [
      { secret: 'gatehouse-oidc', key: 'client-secret', path: 'client-secret' },
      { secret: 'keys', key: 'current', path: 'cookie-secret' },
      { secret: 'gatehouse-redis', key: 'password', path: 'redis-password' },
    ]);
  });

  it('generates a password for the Redis it deploys and gives it to gatehouse and Redis alike', async () => {
    const manifests = parseManifests(await renderChart({ valuesFiles: ['chart/ci/replicas-redis-values.yaml'] }));
    assert.deepEqual(secretKeys(manifests), ['client-secret', 'cookie-secret', 'redis-password']);
    assert.deepEqual(projectedFiles(manifests).at(-1), { secret: 'gh-gatehouse', key: 'redis-password', path: 'redis-password' });
    const redis = only(manifests, 'Deployment', 'gh-gatehouse-redis');
    const passwordVar = at(redis, 'spec', 'template', 'spec', 'containers', 0, 'env', 0);
    assert.deepEqual(passwordVar, { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'gh-gatehouse', key: 'redis-password' } } });
    assert.equal(at(only(manifests, 'ConfigMap'), 'data', 'GATEHOUSE_REDIS_URL'), 'redis://gh-gatehouse-redis:6379/0');
  });

  it('keeps the Redis password out of the Secret for an external Redis without one', async () => {
    const manifests = parseManifests(await renderChart({ valuesFiles: [MINIMAL], values: { replicaCount: 2, redis: { url: 'redis://r:6379/0' } } }));
    assert.deepEqual(secretKeys(manifests), ['client-secret', 'cookie-secret']);
    assert.equal(projectedFiles(manifests).some((f) => f.path === 'redis-password'), false);
  });

  it('rolls the pods when a setting changes, and not when nothing does', async () => {
    const pinned = { cookie: { secret: Buffer.alloc(32, 7).toString('base64') } };
    const first = podAnnotations(parseManifests(await renderChart({ valuesFiles: [MINIMAL], values: pinned })));
    const again = podAnnotations(parseManifests(await renderChart({ valuesFiles: [MINIMAL], values: pinned })));
    assert.deepEqual(again, first);
    const changedSetting = podAnnotations(parseManifests(await renderChart({ valuesFiles: [MINIMAL], values: { ...pinned, logLevel: 'debug' } })));
    assert.notEqual(changedSetting['checksum/config'], first['checksum/config']);
    assert.equal(changedSetting['checksum/secret'], first['checksum/secret']);
    const changedConfig = podAnnotations(parseManifests(await renderChart({ valuesFiles: [MINIMAL], values: { ...pinned, config: { version: 1, x: 1 } } })));
    assert.notEqual(changedConfig['checksum/config'], first['checksum/config']);
    const changedSecret = podAnnotations(parseManifests(await renderChart({ valuesFiles: [MINIMAL], values: { ...pinned, oidc: { clientSecret: 'rotated' } } })));
    assert.notEqual(changedSecret['checksum/secret'], first['checksum/secret']);
    assert.equal(changedSecret['checksum/config'], first['checksum/config']);
  });
});

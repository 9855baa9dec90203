/**
 * Generated cookie keys and the chart Redis's password survive an upgrade: the chart reads them
 * back from the live Secret with `lookup`, shown here against a fake API server on loopback.
 * Without a cluster (`helm template`, as GitOps tools render) nothing can be read back and every
 * render makes new ones, which is why the README tells those users to set existingSecret.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFakeApiServer } from './support/fake-apiserver.ts';
import type { FakeApiServer } from './support/fake-apiserver.ts';
import { renderChart } from './support/helm.ts';
import { only, parseManifests } from './support/manifests.ts';

const SCENARIO = { valuesFiles: ['chart/ci/replicas-redis-values.yaml'] };
const b64 = (text: string): string => Buffer.from(text).toString('base64');
const LIVE_KEY = Buffer.alloc(32, 9).toString('base64');

async function secretData(options: { kubeconfig?: string; values?: Record<string, unknown> } = {}): Promise<Record<string, string>> {
  const manifests = parseManifests(await renderChart({ ...SCENARIO, ...options }));
  return only(manifests, 'Secret')['data'] as Record<string, string>;
}

describe('generated secrets across upgrades', () => {
  let cluster: FakeApiServer;

  before(async () => {
    cluster = await startFakeApiServer([
      { namespace: 'auth', name: 'gh-gatehouse', release: 'gh', data: { 'client-secret': b64('old'), 'cookie-secret': b64(LIVE_KEY), 'redis-password': b64('live-redis-password') } },
    ]);
  });
  after(async () => {
    await cluster.close();
  });

  it('an upgrade keeps the live cookie keys and Redis password', async () => {
    const data = await secretData({ kubeconfig: cluster.kubeconfig });
    assert.ok(cluster.requests.includes('GET /api/v1/namespaces/auth/secrets/gh-gatehouse'), cluster.requests.join('\n'));
    assert.equal(data['cookie-secret'], b64(LIVE_KEY));
    assert.equal(data['redis-password'], b64('live-redis-password'));
    // A value set explicitly is not "generated": the new value wins.
    assert.equal(data['client-secret'], b64('client-secret-from-the-provider'));
  });

  it('given cookie keys replace the live ones (that is how keys are rotated through values)', async () => {
    const next = Buffer.alloc(32, 10).toString('base64');
    const data = await secretData({ kubeconfig: cluster.kubeconfig, values: { cookie: { secret: `${next},${LIVE_KEY}` } } });
    assert.equal(data['cookie-secret'], b64(`${next},${LIVE_KEY}`));
  });

  it('a first install, with no Secret to read back, generates them', async () => {
    const manifests = parseManifests(await renderChart({ ...SCENARIO, kubeconfig: cluster.kubeconfig, release: 'other' }));
    assert.ok(cluster.requests.includes('GET /api/v1/namespaces/auth/secrets/other-gatehouse'), cluster.requests.join('\n'));
    const data = only(manifests, 'Secret')['data'] as Record<string, string>;
    const key = Buffer.from(data['cookie-secret'] ?? '', 'base64').toString();
    assert.notEqual(key, LIVE_KEY);
    assert.equal(Buffer.from(key, 'base64').length, 32);
  });

  it('plain helm template, with no cluster to read from, makes new ones on every render', async () => {
    const first = await secretData();
    const second = await secretData();
    assert.notEqual(first['cookie-secret'], second['cookie-secret']);
    assert.notEqual(first['redis-password'], second['redis-password']);
  });
});

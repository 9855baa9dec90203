/**
 * `assertion`: off by default; on, gatehouse signs assertions with the key from
 * `assertion.existingSecret` (mounted as a file with the other secrets), and the chart refuses
 * more than one pod without that Secret, since a key made at start-up is one pod's alone. The
 * rendered pod's configuration loads with the mounted key.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadConfig } from '../../app/src/config/load-config.ts';
import { renderChart, templateChart } from './support/helm.ts';
import { only, parseManifests, type Manifest } from './support/manifests.ts';
import { container, renderedGatehouseEnv } from './support/rendered-pod.ts';

const MINIMAL = 'chart/ci/default-values.yaml';
const render = async (values: Record<string, unknown> = {}): Promise<Manifest[]> => parseManifests(await renderChart({ valuesFiles: [MINIMAL], values }));
const settings = (manifests: readonly Manifest[]): Record<string, string> => only(manifests, 'ConfigMap', 'gh-gatehouse')['data'] as Record<string, string>;

describe('chart assertion', () => {
  it('is off by default', async () => {
    const data = settings(await render());
    assert.deepEqual(Object.keys(data).filter((name) => name.startsWith('GATEHOUSE_ASSERTION')), []);
  });

  it('on with an existing Secret: the key is mounted and the rendered configuration signs with it', async () => {
    const manifests = await render({ assertion: { enabled: true, existingSecret: 'gatehouse-assertion', issuer: 'https://auth.example.com', ttl: '2m' }, replicaCount: 2, redis: { enabled: true } });
    const data = settings(manifests);
    assert.deepEqual([data['GATEHOUSE_ASSERTION'], data['GATEHOUSE_ASSERTION_ISSUER'], data['GATEHOUSE_ASSERTION_TTL']], ['true', 'https://auth.example.com', '2m']);
    const env = (container(only(manifests, 'Deployment', 'gh-gatehouse'), 'gatehouse')['env'] as { name: string; value?: string }[]).find((e) => e.name === 'GATEHOUSE_ASSERTION_KEY_FILE');
    assert.equal(env?.value, '/etc/gatehouse/secrets/assertion-keys.pem');
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const config = loadConfig(renderedGatehouseEnv(manifests, { 'gatehouse-assertion': { 'assertion-keys.pem': pem } }));
    assert.equal(config.assertion?.issuer, 'https://auth.example.com');
    assert.equal(config.assertion?.ttlMs, 120_000);
    assert.match(config.assertion?.keyFile ?? '', /assertion-keys\.pem$/);
  });

  it('on without a key Secret: one pod is fine, more are refused saying how to make one', async () => {
    assert.equal(settings(await render({ assertion: { enabled: true } }))['GATEHOUSE_ASSERTION'], 'true');
    for (const values of [{ replicaCount: 3, redis: { enabled: true } }, { autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 4 }, redis: { enabled: true } }]) {
      const result = await templateChart({ valuesFiles: [MINIMAL], values: { ...values, assertion: { enabled: true } } });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /assertion\.enabled with \d pods needs assertion\.existingSecret: a signing key made at start-up exists in one pod only/);
    }
  });
});

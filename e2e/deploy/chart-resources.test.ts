/**
 * Which objects the chart renders, and when: a PodDisruptionBudget only with more than one pod, an
 * autoscaler that owns the replica count, a ServiceMonitor on the metrics port, NetworkPolicies that
 * admit only the ingress controller (and Prometheus) and let out only DNS, the provider, Redis and
 * Elasticsearch, and a Redis that the gatehouse Service never selects.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderChart } from './support/helm.ts';
import { at, kinds, only, parseManifests } from './support/manifests.ts';
import type { Manifest } from './support/manifests.ts';

const MINIMAL = 'chart/ci/default-values.yaml';
const render = async (values: Record<string, unknown> = {}, files = [MINIMAL]): Promise<Manifest[]> =>
  parseManifests(await renderChart({ valuesFiles: files, values }));

const matches = (selector: Record<string, string>, labels: Record<string, string> = {}): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('chart resources', () => {
  it('renders the essentials and nothing optional by default', async () => {
    assert.deepEqual(kinds(await render()).sort(), ['ConfigMap', 'Deployment', 'Pod', 'Secret', 'Service', 'ServiceAccount']);
  });

  it('adds a PodDisruptionBudget only when more than one pod runs', async () => {
    assert.ok(!kinds(await render()).includes('PodDisruptionBudget'));
    const pdb = only(await render({ replicaCount: 2, redis: { enabled: true } }), 'PodDisruptionBudget');
    assert.equal(at(pdb, 'spec', 'minAvailable'), 1);
    assert.ok(!kinds(await render({ replicaCount: 2, redis: { enabled: true }, podDisruptionBudget: { enabled: false } })).includes('PodDisruptionBudget'));
  });

  it('lets the autoscaler own the replica count', async () => {
    const manifests = await render({ autoscaling: { enabled: true, minReplicas: 2, maxReplicas: 5 }, redis: { url: 'redis://r:6379/0' } });
    const hpa = only(manifests, 'HorizontalPodAutoscaler');
    assert.deepEqual([at(hpa, 'spec', 'minReplicas'), at(hpa, 'spec', 'maxReplicas'), at(hpa, 'spec', 'scaleTargetRef', 'name')], [2, 5, 'gh-gatehouse']);
    assert.equal(at(only(manifests, 'Deployment'), 'spec', 'replicas'), undefined);
    assert.ok(kinds(manifests).includes('PodDisruptionBudget'));
  });

  it('exposes the main and metrics ports, and scrapes /metrics with a ServiceMonitor', async () => {
    const manifests = await render({ serviceMonitor: { enabled: true, labels: { release: 'prometheus' } } });
    assert.deepEqual((at(only(manifests, 'Service'), 'spec', 'ports') as { name: string; port: number }[]).map((p) => [p.name, p.port]), [['http', 4180], ['metrics', 9180]]);
    const monitor = only(manifests, 'ServiceMonitor');
    assert.equal(monitor.metadata.labels?.['release'], 'prometheus');
    assert.deepEqual(at(monitor, 'spec', 'endpoints', 0, 'port'), 'metrics');
    assert.deepEqual(at(monitor, 'spec', 'endpoints', 0, 'path'), '/metrics');
  });

  it('keeps the chart Redis out of the gatehouse Service, PDB and spread', async () => {
    const manifests = await render({}, ['chart/ci/replicas-redis-values.yaml']);
    const redisLabels = at(only(manifests, 'Deployment', 'gh-gatehouse-redis'), 'spec', 'template', 'metadata', 'labels') as Record<string, string>;
    const gatehouseLabels = at(only(manifests, 'Deployment', 'gh-gatehouse'), 'spec', 'template', 'metadata', 'labels') as Record<string, string>;
    const testLabels = only(manifests, 'Pod').metadata.labels;
    for (const selector of [at(only(manifests, 'Service', 'gh-gatehouse'), 'spec', 'selector'), at(only(manifests, 'PodDisruptionBudget'), 'spec', 'selector', 'matchLabels')] as Record<string, string>[]) {
      assert.equal(matches(selector, gatehouseLabels), true);
      assert.equal(matches(selector, redisLabels), false, 'selects the Redis pod');
      assert.equal(matches(selector, testLabels), false, 'selects the helm test Pod');
    }
    assert.equal(matches(at(only(manifests, 'Service', 'gh-gatehouse-redis'), 'spec', 'selector') as Record<string, string>, redisLabels), true);
  });

  it('admits only the ingress controller, the test Pod and Prometheus, and lets out only what gatehouse calls', async () => {
    const manifests = await render({}, ['chart/ci/hardened-values.yaml']);
    const policy = only(manifests, 'NetworkPolicy');
    const ingress = at(policy, 'spec', 'ingress') as { from: unknown[]; ports: { port: string }[] }[];
    assert.deepEqual(at(ingress, 0, 'from', 0, 'namespaceSelector', 'matchLabels'), { 'kubernetes.io/metadata.name': 'ingress-nginx' });
    assert.deepEqual(ingress.map((rule) => rule.ports.map((p) => p.port)), [['http'], ['http'], ['metrics']]);
    assert.equal(matches(at(ingress, 1, 'from', 0, 'podSelector', 'matchLabels') as Record<string, string>, only(manifests, 'Pod').metadata.labels), true);
    const egress = at(policy, 'spec', 'egress') as { ports: { port: number }[]; to?: unknown[] }[];
    assert.deepEqual(egress.map((rule) => rule.ports.map((p) => p.port)), [[53, 53], [443], [6379, 26379], [9200]]);
    assert.deepEqual(at(egress, 1, 'to'), [{ ipBlock: { cidr: '203.0.113.0/24' } }]);
  });

  it('puts the chart Redis behind its own policy: only gatehouse pods in, nothing out', async () => {
    const manifests = await render({}, ['chart/ci/redis-networkpolicy-values.yaml']);
    const redisPolicy = only(manifests, 'NetworkPolicy', 'gh-gatehouse-redis');
    assert.deepEqual(at(redisPolicy, 'spec', 'ingress', 0, 'from', 0, 'podSelector', 'matchLabels'), { 'app.kubernetes.io/name': 'gatehouse', 'app.kubernetes.io/instance': 'gh' });
    assert.deepEqual(at(redisPolicy, 'spec', 'egress'), []);
    const gatehouseEgress = at(only(manifests, 'NetworkPolicy', 'gh-gatehouse'), 'spec', 'egress') as { to?: unknown[] }[];
    assert.deepEqual(at(gatehouseEgress, 2, 'to', 0, 'podSelector', 'matchLabels'), { 'app.kubernetes.io/name': 'gatehouse-redis', 'app.kubernetes.io/instance': 'gh' });
    assert.deepEqual(at(only(manifests, 'NetworkPolicy', 'gh-gatehouse'), 'spec', 'ingress', 0, 'from', 0, 'podSelector', 'matchLabels'), { 'app.kubernetes.io/name': 'ingress-nginx' });
  });

  it('serves /oauth2 on the protected host and derives the callback URL from it', async () => {
    const manifests = await render({}, ['chart/ci/replicas-redis-values.yaml']);
    const ingress = only(manifests, 'Ingress');
    assert.equal(at(ingress, 'spec', 'rules', 0, 'host'), 'app.example.com');
    assert.deepEqual(at(ingress, 'spec', 'tls', 0), { hosts: ['app.example.com'], secretName: 'app-example-com-tls' });
    assert.equal(at(only(manifests, 'ConfigMap'), 'data', 'GATEHOUSE_REDIRECT_URL'), 'https://app.example.com/oauth2/callback');
  });

  it('renders the Elasticsearch connection only when enabled, and a default backend only when chosen', async () => {
    const off = at(only(await render(), 'ConfigMap'), 'data') as Record<string, string>;
    assert.equal(Object.keys(off).some((k) => k.includes('ELASTICSEARCH') || k === 'GATEHOUSE_BACKEND'), false);
    assert.equal(off['GATEHOUSE_EVENTSTORE_HEADER'], 'ES-TrustedAuth');
    // Per-route backends (backend= on the auth-url) need the connection but no default backend.
    const perRoute = at(only(await render({ elasticsearch: { enabled: true, hosts: ['https://es:9200'] } }), 'ConfigMap'), 'data') as Record<string, string>;
    assert.equal(perRoute['GATEHOUSE_ELASTICSEARCH_HOSTS'], 'https://es:9200');
    assert.equal('GATEHOUSE_BACKEND' in perRoute, false);
    const on = at(only(await render({}, ['chart/ci/hardened-values.yaml']), 'ConfigMap'), 'data') as Record<string, string>;
    assert.equal(on['GATEHOUSE_BACKEND'], 'elasticsearch');
    assert.equal(on['GATEHOUSE_EVENTSTORE_HEADER'], 'Kurrent-TrustedAuth');
    assert.equal(on['GATEHOUSE_ELASTICSEARCH_HOSTS'], 'https://elasticsearch-master.elastic.svc:9200');
    assert.equal(on['GATEHOUSE_ELASTICSEARCH_CA_FILE'], '/etc/gatehouse/config/elasticsearch-ca.pem');
    assert.match(on['elasticsearch-ca.pem'] ?? '', /^-----BEGIN CERTIFICATE-----/);
  });
});

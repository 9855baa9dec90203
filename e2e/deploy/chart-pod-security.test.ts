/**
 * Secure pod defaults (non-root, read-only root filesystem, no capabilities, RuntimeDefault seccomp,
 * no service-account token) on every pod the chart makes, probes on /healthz and /readyz, and a
 * shutdown whose preStop pause and drain fit in the grace period.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderChart } from './support/helm.ts';
import { at, only, parseManifests } from './support/manifests.ts';
import type { Manifest } from './support/manifests.ts';

const ALL_PODS = { valuesFiles: ['chart/ci/replicas-redis-values.yaml'] };

interface PodView {
  readonly name: string;
  readonly spec: Record<string, unknown>;
}

function pods(manifests: readonly Manifest[]): PodView[] {
  return manifests.flatMap((m) => {
    if (m.kind === 'Deployment') return [{ name: `Deployment ${m.metadata.name}`, spec: at(m, 'spec', 'template', 'spec') as Record<string, unknown> }];
    if (m.kind === 'Pod') return [{ name: `Pod ${m.metadata.name}`, spec: m['spec'] as Record<string, unknown> }];
    return [];
  });
}

function containers(spec: Record<string, unknown>): Record<string, unknown>[] {
  return [...((spec['initContainers'] as Record<string, unknown>[] | undefined) ?? []), ...(spec['containers'] as Record<string, unknown>[])];
}

function env(container: unknown): Map<string, unknown> {
  return new Map(((at(container, 'env') as { name: string; value?: string }[] | undefined) ?? []).map((e) => [e.name, e.value ?? e]));
}

describe('chart pods', () => {
  it('every pod and container runs locked down', async () => {
    const all = pods(parseManifests(await renderChart(ALL_PODS)));
    assert.deepEqual(all.map((p) => p.name).sort(), ['Deployment gh-gatehouse', 'Deployment gh-gatehouse-redis', 'Pod gh-gatehouse-test']);
    for (const pod of all) {
      assert.equal(pod.spec['automountServiceAccountToken'], false, `${pod.name} mounts a service-account token`);
      assert.equal(at(pod.spec, 'securityContext', 'runAsNonRoot'), true, pod.name);
      assert.ok((at(pod.spec, 'securityContext', 'runAsUser') as number) > 0, pod.name);
      assert.equal(at(pod.spec, 'securityContext', 'seccompProfile', 'type'), 'RuntimeDefault', pod.name);
      for (const container of containers(pod.spec)) {
        const where = `${pod.name} container ${String(container['name'])}`;
        assert.equal(at(container, 'securityContext', 'readOnlyRootFilesystem'), true, where);
        assert.equal(at(container, 'securityContext', 'allowPrivilegeEscalation'), false, where);
        assert.deepEqual(at(container, 'securityContext', 'capabilities', 'drop'), ['ALL'], where);
        assert.ok(at(container, 'resources', 'requests', 'memory'), `${where} has no memory request`);
      }
    }
  });

  it('probes /healthz for liveness and /readyz for readiness on the main port', async () => {
    const deployment = only(parseManifests(await renderChart(ALL_PODS)), 'Deployment', 'gh-gatehouse');
    const [container] = containers(at(deployment, 'spec', 'template', 'spec') as Record<string, unknown>);
    assert.deepEqual(at(container, 'livenessProbe', 'httpGet'), { path: '/healthz', port: 'http' });
    assert.deepEqual(at(container, 'readinessProbe', 'httpGet'), { path: '/readyz', port: 'http' });
    assert.deepEqual(at(container, 'ports'), [
      { name: 'http', containerPort: 4180, protocol: 'TCP' },
      { name: 'metrics', containerPort: 9180, protocol: 'TCP' },
    ]);
  });

  it('pauses before SIGTERM, drains for GATEHOUSE_SHUTDOWN_TIMEOUT, and the grace period covers both', async () => {
    const manifests = parseManifests(await renderChart({ ...ALL_PODS, values: { shutdown: { preStopSeconds: 7, drainSeconds: 25 } } }));
    const deployment = only(manifests, 'Deployment', 'gh-gatehouse');
    const spec = at(deployment, 'spec', 'template', 'spec') as Record<string, unknown>;
    const [container] = containers(spec);
    assert.deepEqual(at(container, 'lifecycle', 'preStop'), { sleep: { seconds: 7 } });
    assert.equal(at(only(manifests, 'ConfigMap'), 'data', 'GATEHOUSE_SHUTDOWN_TIMEOUT'), '25s');
    assert.equal(spec['terminationGracePeriodSeconds'], 7 + 25 + 5);
  });

  it('uses node for the preStop pause before Kubernetes 1.30 (no sleep action, no sleep binary needed)', async () => {
    const deployment = only(parseManifests(await renderChart({ ...ALL_PODS, kubeVersion: '1.29.0' })), 'Deployment', 'gh-gatehouse');
    const [container] = containers(at(deployment, 'spec', 'template', 'spec') as Record<string, unknown>);
    assert.deepEqual(at(container, 'lifecycle', 'preStop'), { exec: { command: ['node', '-e', 'setTimeout(() => {}, 5000)'] } });
  });

  it('passes every secret as a mounted file, never as a value in the environment', async () => {
    const manifests = parseManifests(await renderChart({ valuesFiles: ['chart/ci/hardened-values.yaml'] }));
    const deployment = only(manifests, 'Deployment');
    const [container] = containers(at(deployment, 'spec', 'template', 'spec') as Record<string, unknown>);
    const vars = env(container);
    for (const [name, path] of [
      ['GATEHOUSE_OIDC_CLIENT_SECRET_FILE', 'client-secret'],
      ['GATEHOUSE_COOKIE_SECRET_FILE', 'cookie-secret'],
      ['GATEHOUSE_REDIS_PASSWORD_FILE', 'redis-password'],
      ['GATEHOUSE_ELASTICSEARCH_PASSWORD_FILE', 'elasticsearch-password'],
    ] as const) {
      assert.equal(vars.get(name), `/etc/gatehouse/secrets/${path}`, name);
    }
    for (const name of ['GATEHOUSE_OIDC_CLIENT_SECRET', 'GATEHOUSE_COOKIE_SECRET', 'GATEHOUSE_REDIS_PASSWORD', 'GATEHOUSE_ELASTICSEARCH_PASSWORD']) {
      assert.equal(vars.has(name), false, `${name} is in the environment`);
    }
    const configMap = JSON.stringify(only(manifests, 'ConfigMap'));
    for (const secret of ['client-secret-from-the-provider', 'redis-password-for-tests', 'elastic-password-for-tests', '3q2+7wYmN1xJ']) {
      assert.equal(configMap.includes(secret), false, `the ConfigMap holds ${secret}`);
    }
  });
});

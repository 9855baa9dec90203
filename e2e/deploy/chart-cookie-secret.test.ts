/**
 * `cookie.fromKubernetes`: only then does the chart render a Role with `get` on the one Secret and
 * `create` on secrets (resourceNames cannot narrow a create) and its RoleBinding, mount the
 * ServiceAccount token, tell gatehouse the Secret's name and namespace, and leave the cookie keys
 * out of its own Secret, so a `helm template` render holds no key at all. The rendered pod, given
 * exactly the rendered Role by the kube-apiserver stand-in, creates the Secret once; a second pod
 * reads it and creates nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startKubeApiServerForGatehouse, type KubeApiServerForGatehouse } from '../../app/test/support/kube-apiserver.ts';
import type { Grant } from '../stand-ins/kube-apiserver/rbac.ts';
import { startGatehouse, type GatehouseProcess } from '../stack/gatehouse-process.ts';
import { freePorts } from '../support/ports.ts';
import { renderChart, templateChart } from './support/helm.ts';
import { at, kinds, only, parseManifests, type Manifest } from './support/manifests.ts';
import { container, renderedGatehouseEnv } from './support/rendered-pod.ts';
import { validateManifests } from './support/validate-manifests.ts';

const MINIMAL = 'chart/ci/default-values.yaml';
const ON = { cookie: { fromKubernetes: { enabled: true } } };
const render = async (values: Record<string, unknown> = {}): Promise<Manifest[]> => parseManifests(await renderChart({ valuesFiles: [MINIMAL], values }));
const settings = (manifests: readonly Manifest[]): Record<string, string> => only(manifests, 'ConfigMap', 'gh-gatehouse')['data'] as Record<string, string>;
const podSpec = (manifests: readonly Manifest[]): Record<string, unknown> => at(only(manifests, 'Deployment'), 'spec', 'template', 'spec') as Record<string, unknown>;
const envNames = (manifests: readonly Manifest[]): string[] => (container(only(manifests, 'Deployment'), 'gatehouse')['env'] as { name: string }[]).map((e) => e.name);
const secretKeys = (manifests: readonly Manifest[]): string[] => Object.keys((manifests.find((m) => m.kind === 'Secret')?.['data'] as Record<string, string> | undefined) ?? {});

describe('chart cookie.fromKubernetes', () => {
  it('by default: no Role, the keys in the chart\'s Secret as a mounted file, no token in the pod', async () => {
    const manifests = await render();
    assert.ok(!kinds(manifests).includes('Role') && !kinds(manifests).includes('RoleBinding'));
    assert.ok(secretKeys(manifests).includes('cookie-secret'));
    assert.ok(envNames(manifests).includes('GATEHOUSE_COOKIE_SECRET_FILE'));
    assert.equal(settings(manifests)['GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES'], undefined);
    assert.equal(podSpec(manifests)['automountServiceAccountToken'], false);
  });

  it('enabled: get on that one Secret and create on secrets, bound to gatehouse\'s ServiceAccount; valid RBAC objects', async () => {
    const manifests = await render(ON);
    assert.deepEqual(await validateManifests(manifests), []);
    const role = only(manifests, 'Role');
    assert.equal(role.metadata.namespace, 'auth');
    assert.deepEqual(role['rules'], [
      { apiGroups: [''], resources: ['secrets'], resourceNames: ['gh-gatehouse-cookie-keys'], verbs: ['get'] },
      { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    ]);
    const binding = only(manifests, 'RoleBinding');
    assert.deepEqual(binding['roleRef'], { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    assert.deepEqual(binding['subjects'], [{ kind: 'ServiceAccount', name: only(manifests, 'ServiceAccount').metadata.name, namespace: 'auth' }]);
    const named = await render({ cookie: { fromKubernetes: { enabled: true, secretName: 'sessions-keys' } } });
    assert.deepEqual(at(only(named, 'Role'), 'rules', 0, 'resourceNames'), ['sessions-keys']);
    assert.equal(settings(named)['GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES'], 'sessions-keys');
  });

  it('enabled: the render holds no cookie key; the pod gets its token and the Secret\'s name and namespace', async () => {
    const manifests = await render(ON);
    assert.ok(!secretKeys(manifests).includes('cookie-secret'), 'nothing for helm template to regenerate');
    assert.ok(!envNames(manifests).includes('GATEHOUSE_COOKIE_SECRET_FILE'));
    assert.equal(podSpec(manifests)['automountServiceAccountToken'], true);
    assert.equal(at(only(manifests, 'Pod'), 'spec', 'automountServiceAccountToken'), true, 'the helm test\'s config check reads a token file too');
    const data = settings(manifests);
    assert.deepEqual([data['GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES'], data['GATEHOUSE_KUBERNETES_NAMESPACE'], data['GATEHOUSE_COOKIE_SECRET_POLL_INTERVAL']], ['gh-gatehouse-cookie-keys', 'auth', '10s']);
    const egress = at(only(await render({ ...ON, networkPolicy: { enabled: true } }), 'NetworkPolicy'), 'spec', 'egress') as { ports?: { port: number }[] }[];
    assert.ok(egress.some((rule) => rule.ports?.some((p) => p.port === 6443)), 'the NetworkPolicy lets the pod reach the API server');
  });

  it('enabled with cookie.secret or cookie.existingSecret: refused, saying what to leave empty', async () => {
    for (const cookie of [{ secret: 'x'.repeat(44) }, { existingSecret: 'mine' }]) {
      const result = await templateChart({ valuesFiles: [MINIMAL], values: { cookie: { ...cookie, fromKubernetes: { enabled: true } } } });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /cookie\.fromKubernetes\.enabled keeps the cookie keys in a Secret gatehouse creates itself: leave cookie\.secret and cookie\.existingSecret empty/);
    }
  });

  describe('the rendered pods against the Kubernetes API with exactly the rendered Role', () => {
    let kube: KubeApiServerForGatehouse;
    const pods: GatehouseProcess[] = [];
    let env: Record<string, string>;
    before(async () => {
      // Trusted headers as the provider's source: it needs no OpenID Provider to become ready.
      const manifests = await render({ ...ON, authProvider: 'authelia', trustedHeaders: { sources: ['10.0.0.0/8'] } });
      // The stand-in's caller is auth/gatehouse; it gets the rendered Role's rules, nothing else.
      const grants = (only(manifests, 'Role')['rules'] as Omit<Grant, 'subject' | 'namespace'>[]).map((rule) => ({ ...rule, subject: { user: 'system:serviceaccount:auth:gatehouse' }, namespace: 'auth' }));
      kube = await startKubeApiServerForGatehouse(grants);
      const api = new URL(kube.standIn.url);
      const files = kube.env('unused');
      env = {
        ...renderedGatehouseEnv(manifests),
        // What the cluster gives the pod: the API server's address, and the mounted token and CA.
        KUBERNETES_SERVICE_HOST: api.hostname,
        KUBERNETES_SERVICE_PORT: api.port,
        GATEHOUSE_KUBERNETES_TOKEN_FILE: files.GATEHOUSE_KUBERNETES_TOKEN_FILE as string,
        GATEHOUSE_KUBERNETES_CA_FILE: files.GATEHOUSE_KUBERNETES_CA_FILE as string,
      };
    });
    after(async () => {
      for (const pod of pods) await pod.stop();
      await kube?.close();
    });

    it('the first pod creates the Secret with a key, the second reads it', async () => {
      for (let i = 0; i < 2; i++) {
        const [port = 0, metricsPort = 0] = await freePorts(2);
        pods.push(await startGatehouse({ port, metricsPort, env: { ...env, GATEHOUSE_LISTEN_HOST: '127.0.0.1', GATEHOUSE_PORT: String(port), GATEHOUSE_METRICS_PORT: String(metricsPort) } }));
      }
      const stored = kube.standIn.secrets.get('auth', 'gh-gatehouse-cookie-keys');
      assert.ok(stored, 'created through the API');
      assert.equal(Buffer.from(Buffer.from(stored.data['cookie-secret'] as string, 'base64').toString(), 'base64').length, 32);
      const creates = kube.standIn.requestLog.filter((r) => r.path === '/api/v1/namespaces/auth/secrets');
      assert.deepEqual(creates.map((r) => r.status), [201], 'one create; the second pod only read');
      assert.ok(!kube.standIn.requestLog.some((r) => r.status === 403), 'the rendered Role was enough');
    });
  });
});

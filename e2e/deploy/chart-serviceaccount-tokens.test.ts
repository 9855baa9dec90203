/**
 * `serviceAccountTokens` turns on the serviceaccount source: only then does the chart grant
 * gatehouse's ServiceAccount `create` on `tokenreviews` and `subjectaccessreviews` (a ClusterRole
 * and its ClusterRoleBinding, valid RBAC objects), mount the pod's own token, list the source
 * beside the provider's and let the pod reach the API server through the NetworkPolicy. The pod's
 * rendered configuration, with what a pod gets from its cluster (KUBERNETES_SERVICE_HOST/PORT, the
 * mounted token and CA), starts gatehouse, which admits a pod's projected token through the
 * kube-apiserver stand-in with exactly the RBAC the chart grants.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startKubeApiServerForGatehouse, type KubeApiServerForGatehouse } from '../../app/test/support/kube-apiserver.ts';
import { startGatehouse, type GatehouseProcess } from '../stack/gatehouse-process.ts';
import { httpRequest } from '../support/http-client.ts';
import { freePorts } from '../support/ports.ts';
import { renderChart, templateChart } from './support/helm.ts';
import { at, kinds, only, parseManifests, type Manifest } from './support/manifests.ts';
import { renderedGatehouseEnv } from './support/rendered-pod.ts';
import { validateManifests } from './support/validate-manifests.ts';

const MINIMAL = 'chart/ci/default-values.yaml';
const ON = { serviceAccountTokens: { enabled: true, audience: 'gatehouse' } };
const render = async (values: Record<string, unknown> = {}, files = [MINIMAL]): Promise<Manifest[]> => parseManifests(await renderChart({ valuesFiles: files, values }));
const settings = (manifests: readonly Manifest[]): Record<string, string> => only(manifests, 'ConfigMap')['data'] as Record<string, string>;
const podSpec = (manifests: readonly Manifest[]): Record<string, unknown> => at(only(manifests, 'Deployment'), 'spec', 'template', 'spec') as Record<string, unknown>;

describe('chart serviceAccountTokens', () => {
  it('by default: no RBAC, no token in the pod, no serviceaccount setting', async () => {
    const manifests = await render();
    assert.ok(!kinds(manifests).includes('ClusterRole') && !kinds(manifests).includes('ClusterRoleBinding'));
    assert.equal(podSpec(manifests)['automountServiceAccountToken'], false);
    assert.deepEqual(Object.keys(settings(manifests)).filter((name) => /SERVICEACCOUNT|KUBERNETES|IDENTITY_SOURCES/.test(name)), []);
  });

  it('enabled: a ClusterRole to create the two reviews and nothing else, bound to gatehouse\'s ServiceAccount, valid RBAC objects', async () => {
    const manifests = await render(ON);
    assert.deepEqual(await validateManifests(manifests), []);
    const role = only(manifests, 'ClusterRole');
    assert.equal(role.metadata.name, 'auth-gh-gatehouse-reviews');
    assert.deepEqual(role['rules'], [
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'], verbs: ['create'] },
    ]);
    const binding = only(manifests, 'ClusterRoleBinding');
    assert.deepEqual(binding['roleRef'], { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'auth-gh-gatehouse-reviews' });
    assert.deepEqual(binding['subjects'], [{ kind: 'ServiceAccount', name: only(manifests, 'ServiceAccount').metadata.name, namespace: 'auth' }]);
    const named = await render({ ...ON, serviceAccount: { create: false, name: 'shared-sa' } });
    assert.deepEqual(at(only(named, 'ClusterRoleBinding'), 'subjects', 0, 'name'), 'shared-sa');
  });

  it('enabled: the pod gets its token and the settings, the source listed after the provider\'s', async () => {
    const manifests = await render({ ...ON, serviceAccountTokens: { ...ON.serviceAccountTokens, issuers: ['https://oidc.eks.example.com/id/ABC'], cacheTtl: '1m' } });
    assert.equal(podSpec(manifests)['automountServiceAccountToken'], true);
    const data = settings(manifests);
    assert.equal(data['GATEHOUSE_IDENTITY_SOURCES'], 'session,serviceaccount');
    assert.equal(data['GATEHOUSE_SERVICEACCOUNT_AUDIENCE'], 'gatehouse');
    assert.equal(data['GATEHOUSE_SERVICEACCOUNT_ISSUERS'], 'https://oidc.eks.example.com/id/ABC');
    assert.equal(data['GATEHOUSE_SERVICEACCOUNT_CACHE_TTL'], '1m');
    const oidc = settings(await render(ON, ['chart/ci/oidc-bearer-values.yaml']));
    assert.equal(oidc['GATEHOUSE_IDENTITY_SOURCES'], 'bearer,serviceaccount');
  });

  it('enabled with a NetworkPolicy: egress to the API server\'s ports (and peers when given)', async () => {
    const egress = (manifests: readonly Manifest[]) => at(only(manifests, 'NetworkPolicy'), 'spec', 'egress') as { ports?: { port: number }[]; to?: unknown[] }[];
    const apiRule = (manifests: readonly Manifest[]) => egress(manifests).find((rule) => rule.ports?.some((p) => p.port === 6443));
    assert.equal(apiRule(await render({ networkPolicy: { enabled: true } })), undefined);
    const open = apiRule(await render({ ...ON, networkPolicy: { enabled: true } }));
    assert.deepEqual(open?.ports?.map((p) => p.port), [443, 6443]);
    assert.equal(open?.to, undefined);
    const peers = [{ ipBlock: { cidr: '10.0.0.1/32' } }];
    assert.deepEqual(apiRule(await render({ ...ON, networkPolicy: { enabled: true, kubernetesApiPeers: peers } }))?.to, peers);
  });

  it('enabled without an audience: refused, saying what to set', async () => {
    const result = await templateChart({ valuesFiles: [MINIMAL], values: { serviceAccountTokens: { enabled: true } } });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /serviceAccountTokens\.enabled needs serviceAccountTokens\.audience/);
  });

  describe('the rendered pod admits a pod\'s token through the Kubernetes API', () => {
    let kube: KubeApiServerForGatehouse;
    let gatehouse: GatehouseProcess | undefined;
    before(async () => {
      kube = await startKubeApiServerForGatehouse();
    });
    after(async () => {
      await gatehouse?.stop();
      await kube?.close();
    });

    it('starts and answers 200 as the ServiceAccount', async () => {
      // Trusted headers as the provider's source: it needs no OpenID Provider to become ready.
      const manifests = await render({ ...ON, authProvider: 'authelia', trustedHeaders: { sources: ['10.0.0.0/8'] } });
      const env = renderedGatehouseEnv(manifests);
      const api = new URL(kube.standIn.url);
      const files = kube.env('gatehouse');
      // What the cluster gives the pod: the API server's address, and the mounted token and CA.
      const fromCluster = {
        KUBERNETES_SERVICE_HOST: api.hostname,
        KUBERNETES_SERVICE_PORT: api.port,
        GATEHOUSE_KUBERNETES_TOKEN_FILE: files.GATEHOUSE_KUBERNETES_TOKEN_FILE as string,
        GATEHOUSE_KUBERNETES_CA_FILE: files.GATEHOUSE_KUBERNETES_CA_FILE as string,
      };
      const [port = 0, metricsPort = 0] = await freePorts(2);
      const local = { GATEHOUSE_LISTEN_HOST: '127.0.0.1', GATEHOUSE_PORT: String(port), GATEHOUSE_METRICS_PORT: String(metricsPort) };
      assert.equal(env['GATEHOUSE_IDENTITY_SOURCES'], 'trusted-headers,serviceaccount');
      gatehouse = await startGatehouse({ port, metricsPort, env: { ...env, ...fromCluster, ...local } });
      const token = await kube.podToken('team-a', 'builder');
      const answer = await httpRequest(`http://127.0.0.1:${port}/oauth2/auth`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['x-auth-request-user'], 'system:serviceaccount:team-a:builder');
      assert.equal(answer.headers['x-auth-request-source'], 'serviceaccount');
    });
  });
});

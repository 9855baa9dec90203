/**
 * A minimal Kubernetes API on loopback, enough for `helm template --dry-run=server`: discovery of
 * the kinds the chart renders and GET of the Secrets it is given. It lets a test see what the
 * chart's `lookup` does on an upgrade, which no offline render can show.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeAtExit } from '../../support/exit-cleanup.ts';

/** A Secret as stored: namespace, name, base64 data, and the helm release that owns it. */
export interface StoredSecret {
  readonly namespace: string;
  readonly name: string;
  readonly data: Record<string, string>;
  readonly release: string;
}

// What helm writes on every object it installs; it refuses to take over an object without it.
function ownedMetadata(secret: StoredSecret): object {
  return {
    name: secret.name,
    namespace: secret.namespace,
    labels: { 'app.kubernetes.io/managed-by': 'Helm' },
    annotations: { 'meta.helm.sh/release-name': secret.release, 'meta.helm.sh/release-namespace': secret.namespace },
  };
}

/** A running fake API server. */
export interface FakeApiServer {
  /** A kubeconfig file pointing at it. */
  readonly kubeconfig: string;
  /** Every request path seen, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

const RESOURCES: Readonly<Record<string, readonly [string, string][]>> = {
  v1: [['secrets', 'Secret'], ['configmaps', 'ConfigMap'], ['services', 'Service'], ['serviceaccounts', 'ServiceAccount'], ['pods', 'Pod']],
  'apps/v1': [['deployments', 'Deployment']],
  'policy/v1': [['poddisruptionbudgets', 'PodDisruptionBudget']],
  'autoscaling/v2': [['horizontalpodautoscalers', 'HorizontalPodAutoscaler']],
  'networking.k8s.io/v1': [['networkpolicies', 'NetworkPolicy'], ['ingresses', 'Ingress']],
  'monitoring.coreos.com/v1': [['servicemonitors', 'ServiceMonitor']],
};

function resourceList(groupVersion: string): object {
  const resources = (RESOURCES[groupVersion] ?? []).map(([name, kind]) => ({ name, singularName: '', namespaced: true, kind, verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'] }));
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources };
}

function groupList(): object {
  const groups = Object.keys(RESOURCES)
    .filter((gv) => gv.includes('/'))
    .map((gv) => {
      const [name, version] = gv.split('/') as [string, string];
      const preferred = { groupVersion: gv, version };
      return { name, versions: [preferred], preferredVersion: preferred };
    });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

/** Starts the server on 127.0.0.1 with `secrets` stored. */
export async function startFakeApiServer(secrets: readonly StoredSecret[]): Promise<FakeApiServer> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (status: number, body: object): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const path = url.pathname;
    if (path === '/version') return send(200, { major: '1', minor: '33', gitVersion: 'v1.33.0' });
    if (path === '/api') return send(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
    if (path === '/apis') return send(200, groupList());
    if (path === '/api/v1') return send(200, resourceList('v1'));
    const group = /^\/apis\/([^/]+\/[^/]+)$/.exec(path);
    if (group?.[1] !== undefined && group[1] in RESOURCES) return send(200, resourceList(group[1]));
    const secret = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(path);
    if (secret !== null && req.method === 'GET') {
      const [, namespace, name] = secret;
      if (name === undefined) return send(200, { kind: 'SecretList', apiVersion: 'v1', metadata: {}, items: [] });
      const found = secrets.find((s) => s.namespace === namespace && s.name === name);
      if (found) return send(200, { kind: 'Secret', apiVersion: 'v1', metadata: ownedMetadata(found), type: 'Opaque', data: found.data });
    }
    return send(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake API server has no port');
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-fake-api-'));
  removeAtExit(dir);
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake', cluster: { server: `http://127.0.0.1:${address.port}` } }],
    users: [{ name: 'fake', user: { token: 'fake' } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake' } }],
    'current-context': 'fake',
  }));
  return {
    kubeconfig,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

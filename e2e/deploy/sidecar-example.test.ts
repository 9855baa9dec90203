/**
 * The sidecar example (k8s-examples/sidecar/) and the README's pod-spec snippet: valid Kubernetes
 * objects with no unknown field, and a sidecar that works as described: gatehouse a native sidecar
 * (an init container with restartPolicy Always) probed on its own /healthz and /readyz, the Service
 * and the NetworkPolicy on gatehouse's port only, GATEHOUSE_UPSTREAM on the app's port on 127.0.0.1,
 * the app's probe through gatehouse on a skipped path, and a configuration gatehouse loads.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadConfig } from '../../app/src/config/load-config.ts';
import { REPO_ROOT } from './support/helm.ts';
import { at, only, parseManifests, type Manifest } from './support/manifests.ts';
import { unknownFieldProblems } from './support/strict-fields.ts';
import { validateManifests } from './support/validate-manifests.ts';

interface Probe {
  httpGet?: { path?: string; port?: string | number };
}
interface Container {
  name: string;
  image?: string;
  restartPolicy?: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  initContainers?: Container[];
  containers: Container[];
  volumes?: { name: string; configMap?: { name: string }; secret?: { secretName: string } }[];
}

const manifests = parseManifests(readFileSync(join(REPO_ROOT, 'k8s-examples', 'sidecar', 'app-with-gatehouse.yaml'), 'utf8'));
const deployment = only(manifests, 'Deployment');
const pod = at(deployment, 'spec', 'template', 'spec') as PodSpec;

/** The pod-spec snippet under the README's sidecar heading. */
function readmeSnippet(): PodSpec {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Protecting an app with no ingress (sidecar mode)'));
  const block = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, 'the README section holds a yaml block');
  return (parse(block) as { spec: PodSpec }).spec;
}

const envOf = (container: Container): Record<string, string> => Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? '']));
const gatehouseOf = (spec: PodSpec): Container => {
  const found = (spec.initContainers ?? []).filter((c) => c.image?.startsWith('gatehouse:'));
  assert.equal(found.length, 1, 'one gatehouse init container');
  assert.ok(!spec.containers.some((c) => c.image?.startsWith('gatehouse:')), 'gatehouse is not a regular container');
  return found[0] as Container;
};
/** The port number a probe or Service names, resolved against `container`'s named ports. */
const portNumber = (port: string | number | undefined, container: Container): number | undefined =>
  typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;

describe('the sidecar example', () => {
  it('is valid Kubernetes objects without unknown fields, the README snippet too', async () => {
    const snippetPod: Manifest = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'readme-snippet' }, spec: readmeSnippet() };
    assert.deepEqual(await validateManifests([...manifests, snippetPod]), []);
    assert.deepEqual(unknownFieldProblems([{ label: 'k8s-examples/sidecar', manifests: [...manifests, snippetPod] }]), []);
  });

  for (const [label, spec] of [['the example', pod], ['the README snippet', readmeSnippet()]] as const) {
    it(`${label}: gatehouse is a native sidecar probed on its own /healthz and /readyz, proxying to the app on 127.0.0.1`, () => {
      const gatehouse = gatehouseOf(spec);
      assert.equal(gatehouse.restartPolicy, 'Always', 'started before the app, stopped after it');
      const env = envOf(gatehouse);
      const port = Number(env.GATEHOUSE_PORT ?? 4180);
      assert.equal(portNumber('http', gatehouse), port, "the container's http port is GATEHOUSE_PORT");
      assert.deepEqual([gatehouse.livenessProbe?.httpGet?.path, portNumber(gatehouse.livenessProbe?.httpGet?.port, gatehouse)], ['/healthz', port]);
      assert.deepEqual([gatehouse.readinessProbe?.httpGet?.path, portNumber(gatehouse.readinessProbe?.httpGet?.port, gatehouse)], ['/readyz', port]);
      if (gatehouse.startupProbe) assert.deepEqual([gatehouse.startupProbe.httpGet?.path, portNumber(gatehouse.startupProbe.httpGet?.port, gatehouse)], ['/healthz', port]);
      const upstream = new URL(env.GATEHOUSE_UPSTREAM ?? '');
      assert.equal(upstream.hostname, '127.0.0.1');
      const app = spec.containers.find((c) => c.name === 'app');
      assert.ok(app?.args?.some((arg) => arg.endsWith(`127.0.0.1:${upstream.port}`)), 'the app listens on loopback, on the upstream port');
      if (app?.ports) assert.ok(app.ports.some((p) => p.containerPort === Number(upstream.port)), "GATEHOUSE_UPSTREAM is the app's container port");
    });
  }

  it("the README snippet's gatehouse is the example's, trimmed", () => {
    const full = envOf(gatehouseOf(pod));
    for (const [name, value] of Object.entries(envOf(gatehouseOf(readmeSnippet())))) assert.equal(full[name], value, name);
  });

  it("the Service and the NetworkPolicy point at gatehouse's port only", () => {
    const gatehouse = gatehouseOf(pod);
    const port = Number(envOf(gatehouse).GATEHOUSE_PORT ?? 4180);
    const service = only(manifests, 'Service');
    const labels = at(deployment, 'spec', 'template', 'metadata', 'labels') as Record<string, string>;
    assert.deepEqual(at(service, 'spec', 'selector'), labels);
    const targets = (at(service, 'spec', 'ports') as { targetPort: string | number }[]).map((p) => portNumber(p.targetPort, gatehouse));
    assert.deepEqual(targets, [port]);
    const policy = only(manifests, 'NetworkPolicy');
    assert.deepEqual(at(policy, 'spec', 'podSelector', 'matchLabels'), labels);
    const allowed = (at(policy, 'spec', 'ingress', 0, 'ports') as { port: number }[]).map((p) => p.port).sort();
    assert.deepEqual(allowed, (gatehouse.ports ?? []).map((p) => p.containerPort).sort(), "only gatehouse's ports take connections");
  });

  it("loads as gatehouse would read it, and the app's probe reaches the app through a skipped path", () => {
    const gatehouse = gatehouseOf(pod);
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sidecar-example-'));
    try {
      // Each mounted ConfigMap and Secret, written where its mount puts it.
      for (const mount of gatehouse.volumeMounts ?? []) {
        const volume = pod.volumes?.find((v) => v.name === mount.name);
        const source = volume?.configMap ? only(manifests, 'ConfigMap', volume.configMap.name)['data'] : volume?.secret ? only(manifests, 'Secret', volume.secret.secretName)['stringData'] : undefined;
        for (const [key, text] of Object.entries((source ?? {}) as Record<string, string>)) {
          const file = join(dir, mount.mountPath, key);
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, key === 'cookie-secret' ? Buffer.alloc(32, 7).toString('base64') : text);
        }
      }
      const env = Object.fromEntries(Object.entries(envOf(gatehouse)).map(([name, value]) => [name, value.startsWith('/etc/') ? join(dir, value) : value]));
      const config = loadConfig(env);
      assert.equal(config.sidecar?.upstream.origin, envOf(gatehouse).GATEHOUSE_UPSTREAM);
      const app = pod.containers.find((c) => c.name === 'app') as Container;
      const probe = app.readinessProbe?.httpGet;
      assert.equal(portNumber(probe?.port, gatehouse), Number(env.GATEHOUSE_PORT ?? 4180), "the app's probe goes through gatehouse's port");
      assert.ok(config.sidecar?.routes.skip.some((rule) => rule.kind === 'literal' && rule.source === probe?.path), `${probe?.path} skips the check`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

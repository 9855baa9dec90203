/**
 * Runs gatehouse locally with exactly the settings a rendered chart gives its pod: the env list
 * resolved against the rendered ConfigMap, the mounted files written from the rendered ConfigMap and
 * Secret into a temporary directory standing in for the mount paths.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeAtExit } from '../../support/exit-cleanup.ts';
import { at, only } from './manifests.ts';
import type { Manifest } from './manifests.ts';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { configMapKeyRef?: { name: string; key: string } };
}
interface Volume {
  name: string;
  configMap?: { name: string; items: { key: string; path: string }[] };
  projected?: { sources: { secret: { name: string; items: { key: string; path: string }[] } }[] };
}

/** A container spec of a rendered Deployment or Pod. */
export function container(manifest: Manifest, name: string): Record<string, unknown> {
  const spec = (manifest.kind === 'Pod' ? manifest['spec'] : at(manifest, 'spec', 'template', 'spec')) as Record<string, unknown>;
  const all = [...((spec['initContainers'] as Record<string, unknown>[] | undefined) ?? []), ...(spec['containers'] as Record<string, unknown>[])];
  const found = all.find((c) => c['name'] === name);
  if (found === undefined) throw new Error(`${manifest.kind} ${manifest.metadata.name} has no container ${name}`);
  return found;
}

/**
 * The environment of the `gatehouse` container of the rendered Deployment, with every mounted file
 * written under a temporary directory and the paths in the environment pointing there.
 * @param existingSecrets - stand-ins for Secrets the release expects to exist: name → key → text
 * @throws when the pod needs a Secret that is neither rendered nor given
 */
export function renderedGatehouseEnv(manifests: readonly Manifest[], existingSecrets: Record<string, Record<string, string>> = {}): Record<string, string> {
  const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.labels?.['app.kubernetes.io/name'] === 'gatehouse');
  if (deployment === undefined) throw new Error('no gatehouse Deployment rendered');
  const configMap = only(manifests, 'ConfigMap')['data'] as Record<string, string>;
  const rendered = manifests.find((m) => m.kind === 'Secret');
  const secretText = (name: string, key: string): string | undefined => {
    if (rendered?.metadata.name === name) {
      const value = (rendered['data'] as Record<string, string>)[key];
      return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
    }
    return existingSecrets[name]?.[key];
  };
  const root = mkdtempSync(join(tmpdir(), 'gatehouse-pod-'));
  removeAtExit(root);

  const files = new Map<string, string>();
  for (const volume of at(deployment, 'spec', 'template', 'spec', 'volumes') as Volume[]) {
    const dir = join(root, volume.name);
    mkdirSync(dir, { recursive: true });
    for (const item of volume.configMap?.items ?? []) files.set(join(dir, item.path), configMap[item.key] ?? '');
    for (const { secret: source } of volume.projected?.sources ?? []) {
      for (const item of source.items) {
        const value = secretText(source.name, item.key);
        if (value === undefined) throw new Error(`Secret ${source.name} key ${item.key} is neither rendered nor given`);
        files.set(join(dir, item.path), value);
      }
    }
  }
  for (const [path, content] of files) writeFileSync(path, content, { mode: 0o600 });

  const gatehouse = container(deployment, 'gatehouse');
  const mounts = (gatehouse['volumeMounts'] as { name: string; mountPath: string }[]).map((m) => [m.mountPath, join(root, m.name)] as const);
  const env: Record<string, string> = {};
  for (const variable of gatehouse['env'] as EnvVar[]) {
    const ref = variable.valueFrom?.configMapKeyRef;
    let value = ref ? configMap[ref.key] : variable.value;
    if (value === undefined) throw new Error(`${variable.name} has no value in the render`);
    const mount = mounts.find(([mountPath]) => value?.startsWith(`${mountPath}/`));
    if (mount !== undefined) value = mount[1] + value.slice(mount[0].length);
    env[variable.name] = value;
  }
  return env;
}

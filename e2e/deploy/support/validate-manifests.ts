/**
 * Checks rendered objects against the Kubernetes API schemas: kubernetes-models' validators catch
 * wrong types, missing required fields and bad enums; strict-fields.ts adds unknown fields, which
 * those validators let through. Prometheus Operator's ServiceMonitor is not in kubernetes-models:
 * it is held to the subset of its CRD schema the chart uses.
 */
import { Ajv } from 'ajv';
import type { Manifest } from './manifests.ts';
import { SERVICE_MONITOR_SCHEMA } from './service-monitor-schema.ts';

/** The kubernetes-models module of an apiVersion and kind, e.g. `kubernetes-models/apps/v1/Deployment`. */
export function modelModule(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return group === '' ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
}

/** Kinds checked by a schema of our own instead of kubernetes-models. */
export const CUSTOM_KINDS: Readonly<Record<string, object>> = Object.freeze({
  'monitoring.coreos.com/v1/ServiceMonitor': SERVICE_MONITOR_SCHEMA,
});

const ajv = new Ajv({ allErrors: true, strict: true });
const customValidators = new Map(Object.entries(CUSTOM_KINDS).map(([key, schema]) => [key, ajv.compile(schema)]));

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/**
 * Validates each object; resolves with one message per problem, naming the object
 * (an empty list means every object is valid).
 */
export async function validateManifests(manifests: readonly Manifest[]): Promise<string[]> {
  const problems: string[] = [];
  for (const manifest of manifests) {
    const label = `${manifest.kind} ${manifest.metadata?.name ?? '(no name)'}`;
    const custom = customValidators.get(`${manifest.apiVersion}/${manifest.kind}`);
    if (custom !== undefined) {
      if (!custom(manifest)) {
        for (const error of custom.errors ?? []) problems.push(`${label}: ${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
      }
      continue;
    }
    let Model: ModelClass | undefined;
    try {
      const module = (await import(modelModule(manifest.apiVersion, manifest.kind))) as Record<string, ModelClass>;
      Model = module[manifest.kind];
    } catch {
      Model = undefined;
    }
    if (Model === undefined) {
      problems.push(`${label}: no schema for ${manifest.apiVersion} ${manifest.kind}`);
      continue;
    }
    try {
      new Model(manifest).validate();
    } catch (error) {
      problems.push(`${label}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/**
 * Checks rendered objects against the Kubernetes API schemas: kubernetes-models' validators catch
 * wrong types, missing required fields and bad enums; strict-fields.ts adds unknown fields, which
 * those validators let through. Gateway API, Istio and Traefik kinds come from their
 * @kubernetes-models packages. Prometheus Operator's ServiceMonitor, Envoy Gateway's policies and
 * an IstioOperator's mesh config are in none: each is held to the subset of its documented schema
 * the chart and the examples use.
 */
import { Ajv } from 'ajv';
import type { Manifest } from './manifests.ts';
import { CLIENT_TRAFFIC_POLICY_SCHEMA, ISTIO_OPERATOR_SCHEMA, SECURITY_POLICY_SCHEMA } from './proxy-schemas.ts';
import { SERVICE_MONITOR_SCHEMA } from './service-monitor-schema.ts';

/** API groups whose models live in a package of their own rather than in kubernetes-models. */
const GROUP_PACKAGES: Readonly<Record<string, string>> = Object.freeze({
  'gateway.networking.k8s.io': '@kubernetes-models/gateway-api',
  'security.istio.io': '@kubernetes-models/istio',
  'networking.istio.io': '@kubernetes-models/istio',
  'traefik.io': '@kubernetes-models/traefik',
});

/** The model module of an apiVersion and kind, e.g. `kubernetes-models/apps/v1/Deployment`. */
export function modelModule(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (group === '') return `kubernetes-models/${version}/${kind}`;
  const own = GROUP_PACKAGES[group ?? ''];
  return own === undefined ? `kubernetes-models/${group}/${version}/${kind}` : `${own}/${group}/${version}/${kind}`;
}

/** Kinds checked by a schema of our own instead of a models package. */
export const CUSTOM_KINDS: Readonly<Record<string, object>> = Object.freeze({
  'monitoring.coreos.com/v1/ServiceMonitor': SERVICE_MONITOR_SCHEMA,
  'gateway.envoyproxy.io/v1alpha1/SecurityPolicy': SECURITY_POLICY_SCHEMA,
  'gateway.envoyproxy.io/v1alpha1/ClientTrafficPolicy': CLIENT_TRAFFIC_POLICY_SCHEMA,
  'install.istio.io/v1alpha1/IstioOperator': ISTIO_OPERATOR_SCHEMA,
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

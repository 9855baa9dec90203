/**
 * The cookie keys' Kubernetes Secret: its name and namespace, how often it is read again, and how
 * the API is reached. Read only when GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES is set; every problem
 * is appended naming its variable.
 */
import { readFileSync } from 'node:fs';
import { IN_CLUSTER_DIR } from './schema-serviceaccount.ts';
import type { CleanedEnv } from './schema.ts';
import { validateKubernetesApi, type KubernetesApiSettings } from './validate-serviceaccount.ts';

/** Where the cookie keys live in the cluster. */
export interface CookieSecretSettings {
  readonly name: string;
  readonly namespace: string;
  readonly pollMs: number;
  readonly api: KubernetesApiSettings;
}

// metadata.name of a Secret: an RFC 1123 DNS subdomain; a namespace: an RFC 1123 label.
const SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function namespaceOf(env: CleanedEnv, problems: string[]): string | undefined {
  let namespace = env.GATEHOUSE_KUBERNETES_NAMESPACE.trim();
  if (namespace === '') {
    const file = `${IN_CLUSTER_DIR}/namespace`;
    try {
      namespace = readFileSync(file, 'utf8').trim();
    } catch (err) {
      problems.push(`GATEHOUSE_KUBERNETES_NAMESPACE is required outside a pod: ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
      return undefined;
    }
  }
  if (!LABEL.test(namespace)) problems.push(`GATEHOUSE_KUBERNETES_NAMESPACE: "${namespace}" is not a namespace name`);
  return namespace;
}

/**
 * Builds the settings; undefined when the keys do not come from a Secret or a problem stops it.
 * @param api - the API settings another part already built (the serviceaccount source), so their problems are not reported twice
 */
export function validateCookieSecret(env: CleanedEnv, api: KubernetesApiSettings | 'unbuilt' | 'failed', problems: string[]): CookieSecretSettings | undefined {
  const name = env.GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES.trim();
  if (name === '') return undefined;
  const before = problems.length;
  if (env.GATEHOUSE_COOKIE_SECRET !== undefined) {
    problems.push('GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES and GATEHOUSE_COOKIE_SECRET (or _FILE) are both set; the keys come from one place');
  }
  if (!SUBDOMAIN.test(name)) problems.push(`GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES: "${name}" is not a Secret name (lower-case letters, digits, - and .)`);
  const pollMs = env.GATEHOUSE_COOKIE_SECRET_POLL_INTERVAL;
  if (pollMs < 1000 || pollMs > 600_000) problems.push('GATEHOUSE_COOKIE_SECRET_POLL_INTERVAL must be between 1s and 10m');
  const namespace = namespaceOf(env, problems);
  const settings = api === 'unbuilt' ? validateKubernetesApi(env, problems) : api === 'failed' ? undefined : api;
  if (problems.length > before || namespace === undefined || settings === undefined) return undefined;
  return { name, namespace, pollMs, api: settings };
}

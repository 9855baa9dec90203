/**
 * The serviceaccount part of the configuration: the audience and issuers of ServiceAccount
 * tokens, how long answers are remembered, and how the Kubernetes API is reached (in the cluster
 * by default). Read only when the source is listed; every problem is appended naming its variable.
 */
import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { IN_CLUSTER_DIR } from './schema-serviceaccount.ts';
import type { CleanedEnv } from './schema.ts';

/** How the Kubernetes API is reached. */
export interface KubernetesApiSettings {
  /** The API server's origin (https). */
  readonly url: URL;
  /** The CA bundle trusted for it; undefined: the system CAs. */
  readonly caPem: string | undefined;
  /** gatehouse's own token, read again as it rotates. */
  readonly tokenFile: string;
  readonly timeoutMs: number;
}

/** The serviceaccount source's settings. */
export interface ServiceAccountSettings {
  readonly audience: string;
  readonly issuers: readonly string[];
  readonly cacheTtlMs: number;
  readonly accessCacheTtlMs: number;
  readonly api: KubernetesApiSettings;
}

/** Longest time an answer of the Kubernetes API is remembered: a revoked token must stop working soon. */
const MAX_CACHE_TTL_MS = 5 * 60_000;

function apiUrl(env: CleanedEnv, problems: string[]): { url: URL; inCluster: boolean } | undefined {
  const raw = env.GATEHOUSE_KUBERNETES_API_URL;
  if (raw === '') {
    const host = env.KUBERNETES_SERVICE_HOST;
    const port = env.KUBERNETES_SERVICE_PORT;
    if (host === '' || !/^\d{1,5}$/.test(port)) {
      problems.push('GATEHOUSE_KUBERNETES_API_URL is required outside a cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set), e.g. https://kubernetes.default.svc');
      return undefined;
    }
    const literal = isIPv6(host) ? `[${host}]` : host;
    if (!URL.canParse(`https://${literal}:${port}`)) {
      problems.push(`KUBERNETES_SERVICE_HOST/KUBERNETES_SERVICE_PORT: "${host}:${port}" is not an address`);
      return undefined;
    }
    return { url: new URL(`https://${literal}:${port}`), inCluster: true };
  }
  if (!URL.canParse(raw)) {
    problems.push(`GATEHOUSE_KUBERNETES_API_URL: "${raw}" is not an absolute URL (e.g. https://kubernetes.default.svc)`);
    return undefined;
  }
  const url = new URL(raw);
  // gatehouse's own token and every reviewed token travel to it.
  if (url.protocol !== 'https:') problems.push('GATEHOUSE_KUBERNETES_API_URL must be an https:// URL: tokens are sent to it');
  if (url.username || url.password || url.search || url.hash) problems.push('GATEHOUSE_KUBERNETES_API_URL must have no credentials, query or fragment');
  return { url, inCluster: false };
}

function readable(name: string, path: string, problems: string[]): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`${name}: cannot read ${JSON.stringify(path)} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    return undefined;
  }
}

function ttl(name: string, value: number, problems: string[]): number {
  if (value > MAX_CACHE_TTL_MS) problems.push(`${name} must be at most 5m`);
  return value;
}

/** Builds the settings; undefined when the source is not listed or a problem stops it. */
export function validateServiceAccount(env: CleanedEnv, listed: boolean, problems: string[]): ServiceAccountSettings | undefined {
  if (!listed) return undefined;
  const before = problems.length;
  const audience = env.GATEHOUSE_SERVICEACCOUNT_AUDIENCE ?? '';
  // A missing audience is reported with the source's other required variables.
  if (audience !== '' && (audience.trim() !== audience || /[\s,]/.test(audience))) {
    problems.push('GATEHOUSE_SERVICEACCOUNT_AUDIENCE must be one audience, without spaces or commas');
  }
  const issuers = env.GATEHOUSE_SERVICEACCOUNT_ISSUERS;
  if (issuers.length === 0) problems.push('GATEHOUSE_SERVICEACCOUNT_ISSUERS must name at least one issuer');
  const cacheTtlMs = ttl('GATEHOUSE_SERVICEACCOUNT_CACHE_TTL', env.GATEHOUSE_SERVICEACCOUNT_CACHE_TTL, problems);
  const accessCacheTtlMs = ttl('GATEHOUSE_KUBERNETES_ACCESS_CACHE_TTL', env.GATEHOUSE_KUBERNETES_ACCESS_CACHE_TTL, problems);
  const api = validateKubernetesApi(env, problems);
  if (problems.length > before || !api || audience === '') return undefined;
  return { audience, issuers, cacheTtlMs, accessCacheTtlMs, api };
}

/**
 * How the Kubernetes API is reached (GATEHOUSE_KUBERNETES_*; in the cluster by default), for every
 * part that calls it (TokenReview, SubjectAccessReview, the cookie keys' Secret); undefined after a problem.
 */
export function validateKubernetesApi(env: CleanedEnv, problems: string[]): KubernetesApiSettings | undefined {
  const before = problems.length;
  const where = apiUrl(env, problems);
  const caFile = env.GATEHOUSE_KUBERNETES_CA_FILE || (where?.inCluster ? `${IN_CLUSTER_DIR}/ca.crt` : '');
  const caPem = caFile === '' ? undefined : readable('GATEHOUSE_KUBERNETES_CA_FILE', caFile, problems);
  if (caPem !== undefined && !caPem.includes('-----BEGIN CERTIFICATE-----')) problems.push(`GATEHOUSE_KUBERNETES_CA_FILE: ${JSON.stringify(caFile)} holds no PEM certificate`);
  const tokenFile = env.GATEHOUSE_KUBERNETES_TOKEN_FILE || `${IN_CLUSTER_DIR}/token`;
  const token = readable('GATEHOUSE_KUBERNETES_TOKEN_FILE', tokenFile, problems);
  if (token !== undefined && token.trim() === '') problems.push(`GATEHOUSE_KUBERNETES_TOKEN_FILE: ${JSON.stringify(tokenFile)} is empty`);
  if (problems.length > before || !where) return undefined;
  return { url: where.url, caPem, tokenFile, timeoutMs: env.GATEHOUSE_KUBERNETES_TIMEOUT };
}

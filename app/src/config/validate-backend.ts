/**
 * The backend part of the configuration: the default backend, Elasticsearch hosts and admin
 * credentials, and the EventStoreDB header. Every problem is appended naming its variable;
 * nothing throws. The CA bundle is read by the caller, the one place that reads files.
 */
import type { BackendSettings, ElasticsearchSettings } from './config.ts';
import type { CleanedEnv } from './schema.ts';
import { validateElasticsearchOidc } from './validate-elasticsearch-oidc.ts';

function elasticsearchSettings(env: CleanedEnv, caPem: string | undefined, problems: string[]): ElasticsearchSettings | undefined {
  const hosts = env.GATEHOUSE_ELASTICSEARCH_HOSTS;
  if (hosts.length === 0) return undefined;
  for (const host of hosts) {
    let url: URL | undefined;
    try {
      url = new URL(host);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
      problems.push(`GATEHOUSE_ELASTICSEARCH_HOSTS: "${host.slice(0, 100)}" is not an http(s) URL without credentials (e.g. https://es-0.example.com:9200)`);
    }
  }
  const dryRun = env.GATEHOUSE_ELASTICSEARCH_DRY_RUN;
  if (!dryRun && !env.GATEHOUSE_ELASTICSEARCH_USERNAME) {
    problems.push('GATEHOUSE_ELASTICSEARCH_USERNAME is required with GATEHOUSE_ELASTICSEARCH_HOSTS: an admin user with the manage_security privilege');
  }
  if (!dryRun && !env.GATEHOUSE_ELASTICSEARCH_PASSWORD) {
    problems.push('GATEHOUSE_ELASTICSEARCH_PASSWORD is required with GATEHOUSE_ELASTICSEARCH_HOSTS (or GATEHOUSE_ELASTICSEARCH_PASSWORD_FILE)');
  }
  return {
    hosts,
    username: env.GATEHOUSE_ELASTICSEARCH_USERNAME,
    password: env.GATEHOUSE_ELASTICSEARCH_PASSWORD,
    caPem,
    timeoutMs: env.GATEHOUSE_ELASTICSEARCH_TIMEOUT,
    dryRun,
    credentialTtlMs: env.GATEHOUSE_CREDENTIAL_TTL,
  };
}

/** Validates the backend settings. */
export function validateBackend(env: CleanedEnv, caPem: string | undefined, problems: string[]): BackendSettings {
  const elasticsearch = elasticsearchSettings(env, caPem, problems);
  const fallback = env.GATEHOUSE_BACKEND as BackendSettings['default'];
  if (fallback === 'elasticsearch' && !elasticsearch) {
    problems.push('GATEHOUSE_BACKEND=elasticsearch needs GATEHOUSE_ELASTICSEARCH_HOSTS');
  }
  if (caPem !== undefined && !caPem.includes('-----BEGIN CERTIFICATE-----')) {
    problems.push('GATEHOUSE_ELASTICSEARCH_CA_FILE does not hold a PEM certificate');
  }
  return {
    default: fallback,
    elasticsearch,
    elasticsearchOidc: validateElasticsearchOidc(env, elasticsearch, problems),
    eventstoreHeader: env.GATEHOUSE_EVENTSTORE_HEADER as BackendSettings['eventstoreHeader'],
  };
}

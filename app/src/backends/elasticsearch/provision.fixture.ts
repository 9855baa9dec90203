/**
 * What the Elasticsearch backend's tests share: a provisioner wired to the Elasticsearch
 * stand-in, a logger that keeps what it was told (to prove no secret reaches it), and a look at
 * the metrics.
 */
import { randomBytes } from 'node:crypto';
import { Registry } from 'prom-client';
import type { ElasticsearchStandIn } from '../../../../e2e/stand-ins/elasticsearch/stand-in.ts';
import { createDispatcher, DIRECT } from '../../http/outbound/create-dispatcher.ts';
import { transportAgent } from '../../http/outbound/transport-agent.ts';
import type { BackendLogger } from '../logger.ts';
import { createElasticsearchClient } from './client.ts';
import { createMemoryCredentialCache, type CredentialCache } from './credential-cache.ts';
import { createCredentialSealer, type CredentialSealer } from './credential-entry.ts';
import { createElasticsearchMetrics } from './metrics.ts';
import { createCredentialProvisioner, type CredentialProvisioner, type ProvisionerOptions } from './provision-credential.ts';
import { createSecurityApi, type SecurityApi } from './security-api.ts';

/** A logger that keeps every line, as JSON text, for assertions. */
export interface CapturingLogger extends BackendLogger {
  readonly lines: string[];
}

export function capturingLogger(): CapturingLogger {
  const lines: string[] = [];
  const keep = (level: string) => (fields: object, message: string) => {
    lines.push(JSON.stringify({ level, ...fields, msg: message }));
  };
  return { lines, info: keep('info'), warn: keep('warn'), error: keep('error') };
}

/** One provisioner and everything around it. */
export interface Backend {
  readonly provisioner: CredentialProvisioner;
  readonly api: SecurityApi;
  readonly cache: CredentialCache;
  readonly sealer: CredentialSealer;
  readonly logger: CapturingLogger;
  readonly registry: Registry;
  /** The current value of a counter child (a histogram's count), 0 when never counted. */
  count(metric: string, labels: Record<string, string>): Promise<number>;
}

/** Options for {@link backendFor}: the stand-in's URL is the last host unless `hosts` says otherwise. */
export interface BackendOptions extends Partial<Omit<ProvisionerOptions, 'api' | 'logger' | 'metrics'>> {
  readonly hosts?: readonly string[];
  readonly admin?: { readonly username: string; readonly password: string };
  readonly requestTimeoutMs?: number;
  readonly caPem?: string;
}

/** A provisioner for the stand-in, with a memory cache unless one is given. */
export function backendFor(standIn: ElasticsearchStandIn, options: BackendOptions = {}): Backend {
  const registry = new Registry();
  const metrics = createElasticsearchMetrics(registry);
  const admin = options.admin ?? standIn.admin;
  const logger = capturingLogger();
  const timeoutMs = options.requestTimeoutMs ?? 2000;
  const client = createElasticsearchClient({
    hosts: options.hosts ?? [standIn.url],
    username: admin.username,
    password: admin.password,
    agent: transportAgent(createDispatcher({ caPem: options.caPem, connectTimeoutMs: timeoutMs, timeoutMs, proxy: DIRECT }), logger),
    requestTimeoutMs: timeoutMs,
  });
  const api = createSecurityApi(client, metrics);
  const cache = options.cache ?? createMemoryCredentialCache();
  const sealer = options.sealer ?? createCredentialSealer([randomBytes(32)]);
  const provisioner = createCredentialProvisioner({
    expirationMs: 3_600_000,
    ...options,
    api,
    cache,
    sealer,
    logger,
    metrics,
  });
  return {
    provisioner,
    api,
    cache,
    sealer,
    logger,
    registry,
    async count(metric, labels) {
      const found = (await registry.getSingleMetric(metric)?.get())?.values ?? [];
      // A histogram lists buckets, sum and count under their own names; its count is what is wanted.
      const named = (v: (typeof found)[number]): string | undefined => (v as { metricName?: string }).metricName;
      const match = found.find(
        (v) =>
          [undefined, metric, `${metric}_count`].includes(named(v)) &&
          Object.entries(labels).every(([k, value]) => v.labels[k] === value),
      );
      return match?.value ?? 0;
    },
  };
}

/** The password inside a `Basic …` value. */
export function passwordOf(authorization: string): string {
  const decoded = Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

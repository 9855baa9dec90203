/**
 * The Elasticsearch backend assembled from configuration: the client (hosts in failover order,
 * CA bundle, timeout, admin credentials), the credential cache (memory, or Redis shared by the
 * replicas), the sealer, the metrics, the provisioner and, when asked for, the expiry sweep.
 */
import type { Registry } from 'prom-client';
import type { RedisClient } from '../../session/redis-client.ts';
import type { BackendLogger } from '../logger.ts';
import { createElasticsearchClient, type ElasticsearchClientOptions } from './client.ts';
import { createMemoryCredentialCache } from './credential-cache.ts';
import { createCredentialSealer } from './credential-entry.ts';
import { startExpirySweeper } from './disable-expired.ts';
import { createElasticsearchMetrics, type ElasticsearchMetrics } from './metrics.ts';
import { createCredentialProvisioner, type CredentialProvisioner } from './provision-credential.ts';
import { createRedisCredentialCache } from './redis-credential-cache.ts';
import { createSecurityApi } from './security-api.ts';

/** Everything the backend reads from configuration. */
export interface ElasticsearchBackendConfig extends ElasticsearchClientOptions {
  /** elastauth's `cache.expiration`: how long one password is handed out, in ms. */
  readonly expirationMs: number;
  readonly dryRun: boolean;
  /** Usernames never to write, besides Elastic's reserved and internal users. */
  readonly deniedUsers?: readonly string[];
  /** Secrets the cache key is derived from (e.g. the cookie keys); the first seals. */
  readonly cacheSecrets: readonly (Buffer | string)[];
  /** `memory` for one replica; `redis` (the service's client and key prefix) for several. */
  readonly cache:
    | { readonly kind: 'memory'; readonly maxEntries?: number }
    | { readonly kind: 'redis'; readonly client: RedisClient; readonly keyPrefix: string; readonly timeoutMs?: number };
  /** Disable managed users whose credential expired, sweeping this often (ms); off when not given. */
  readonly disableExpiredEveryMs?: number;
}

/** The assembled backend. */
export interface ElasticsearchBackend {
  readonly provisioner: CredentialProvisioner;
  /** The Elasticsearch metrics, registered once, for the other calls to the same cluster. */
  readonly metrics: ElasticsearchMetrics;
  /** Stops the sweep and closes the client's connections (not the Redis client, which the caller owns). */
  close(): Promise<void>;
}

/** Assembles the backend; nothing connects until the first request. */
export function createElasticsearchBackend(
  config: ElasticsearchBackendConfig,
  deps: { readonly logger: BackendLogger; readonly registry: Registry },
): ElasticsearchBackend {
  const client = createElasticsearchClient(config);
  const metrics = createElasticsearchMetrics(deps.registry);
  const api = createSecurityApi(client, metrics);
  const cache =
    config.cache.kind === 'redis'
      ? createRedisCredentialCache(config.cache.client, { keyPrefix: config.cache.keyPrefix, timeoutMs: config.cache.timeoutMs })
      : createMemoryCredentialCache({ maxEntries: config.cache.maxEntries });
  // Lock for longer than a get and a put can take, each tried once on every host.
  const lockTtlMs = 2 * config.hosts.length * config.requestTimeoutMs + 5000;
  const provisioner = createCredentialProvisioner({
    api,
    cache,
    sealer: createCredentialSealer(config.cacheSecrets),
    expirationMs: config.expirationMs,
    dryRun: config.dryRun,
    deniedUsers: config.deniedUsers,
    logger: deps.logger,
    metrics,
    lock: { ttlMs: lockTtlMs, waitMs: lockTtlMs },
  });
  const sweeper =
    config.disableExpiredEveryMs === undefined || config.dryRun
      ? undefined
      : startExpirySweeper({ api, locks: cache, logger: deps.logger, lockTtlMs, intervalMs: config.disableExpiredEveryMs });
  return {
    provisioner,
    metrics,
    async close() {
      sweeper?.stop();
      await client.close();
    },
  };
}

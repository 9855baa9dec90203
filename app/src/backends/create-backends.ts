/**
 * Builds the configured backends at start-up. The Elasticsearch credential cache lives where the
 * sessions do: in this process, or in Redis shared by every replica (a connection of its own).
 * Sign-in through Elasticsearch's OpenID Connect realm calls the same cluster with a client of
 * its own over the same dispatcher.
 */
import { createHash } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Config } from '../config/config.ts';
import type { Outbound } from '../http/outbound/create-outbound.ts';
import type { Logger } from '../observability/logger.ts';
import { createRedisClient } from '../session/redis-client.ts';
import type { BackendParts } from './answer-backend.ts';
import { createElasticsearchBackend } from './elasticsearch/backend.ts';
import { createElasticsearchClient } from './elasticsearch/client.ts';
import { createRealmBackend } from './elasticsearch-oidc/realm-backend.ts';

/** The backends and how to close them. */
export interface Backends extends BackendParts {
  close(): Promise<void>;
}

/**
 * The keys cached passwords are sealed with: the configured cookie keys, or, when none were
 * configured (the elastauth examples without `secret_key`), a key derived from the Elasticsearch
 * admin password — a secret every replica shares that already controls these users.
 */
function cacheSecrets(config: Config): readonly Buffer[] {
  const elasticsearch = config.backend.elasticsearch;
  if (!config.cookie.keysGenerated || !elasticsearch) return config.cookie.keys;
  return [createHash('sha256').update('gatehouse credential cache\0').update(elasticsearch.password).digest()];
}

/** Creates the backends of `config`; Elasticsearch is reached through `outbound`'s dispatcher. */
export function createBackends(config: Config, logger: Logger, registry: Registry, outbound: Pick<Outbound, 'elasticsearch'>): Backends {
  const settings = config.backend.elasticsearch;
  const redis = settings && config.sessionStore === 'redis' && config.redis ? createRedisClient(config.redis) : undefined;
  const elasticsearch = settings && outbound.elasticsearch
    ? createElasticsearchBackend(
        {
          hosts: settings.hosts,
          username: settings.username,
          password: settings.password,
          agent: outbound.elasticsearch,
          requestTimeoutMs: settings.timeoutMs,
          expirationMs: settings.credentialTtlMs,
          dryRun: settings.dryRun,
          cacheSecrets: cacheSecrets(config),
          cache: redis && config.redis ? { kind: 'redis', client: redis, keyPrefix: config.redis.keyPrefix, timeoutMs: config.redis.timeoutMs } : { kind: 'memory' },
        },
        { logger, registry },
      )
    : undefined;
  const realm = config.backend.elasticsearchOidc;
  const elasticsearchOidc =
    realm && settings && elasticsearch && outbound.elasticsearch
      ? createRealmBackend(
          realm,
          createElasticsearchClient({
            hosts: settings.hosts,
            username: settings.username,
            password: settings.password,
            agent: outbound.elasticsearch,
            requestTimeoutMs: settings.timeoutMs,
          }),
          elasticsearch.metrics,
        )
      : undefined;
  return {
    elasticsearch,
    elasticsearchOidc,
    eventstoreHeader: config.backend.eventstoreHeader,
    async close() {
      await elasticsearchOidc?.close();
      await elasticsearch?.close();
      redis?.disconnect();
    },
  };
}

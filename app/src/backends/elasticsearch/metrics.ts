/**
 * The Elasticsearch backend's metrics, registered on the registry the caller passes (the
 * service's own), so they are scraped with everything else.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

/** How an upsert ended. */
export type UpsertOutcome = 'created' | 'updated' | 'dry_run' | 'refused' | 'error';
/** What a credential-cache read found: a usable entry, none (or one for other roles), or a broken one. */
export type CacheResult = 'hit' | 'miss' | 'invalid';
/** How one call to Elasticsearch ended. */
export type RequestOutcome = 'success' | 'not_found' | 'refused' | 'error';

/** What the backend reports; every method is cheap enough for the request path. */
export interface ElasticsearchMetrics {
  upsert(outcome: UpsertOutcome): void;
  cache(result: CacheResult): void;
  /** One call to Elasticsearch; an `error` outcome is also counted as an error of `operation`. */
  request(operation: string, outcome: RequestOutcome, seconds: number): void;
}

/** Metrics that go nowhere, for tests and callers that do not scrape. */
export const NO_METRICS: ElasticsearchMetrics = Object.freeze({
  upsert: () => undefined,
  cache: () => undefined,
  request: () => undefined,
});

// Elasticsearch answers user writes in tens of milliseconds, slower under a refresh.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Registers the backend's metrics on `registry`; call once per registry. */
export function createElasticsearchMetrics(registry: Registry): ElasticsearchMetrics {
  const upserts = new Counter({
    name: 'gatehouse_elasticsearch_upserts_total',
    help: 'Native-realm user upserts by outcome: created, updated, dry_run, refused, error',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const cache = new Counter({
    name: 'gatehouse_credential_cache_total',
    help: 'Credential cache reads by result: hit, miss (none, or one for other roles), invalid (tampered or undecryptable, replaced)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'gatehouse_elasticsearch_request_duration_seconds',
    help: 'Calls to Elasticsearch by operation and outcome (success, not_found, refused, error)',
    labelNames: ['operation', 'outcome'] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'gatehouse_elasticsearch_errors_total',
    help: 'Calls to Elasticsearch that failed (unreachable, timed out, 5xx, admin credentials refused), by operation',
    labelNames: ['operation'] as const,
    registers: [registry],
  });
  return {
    upsert: (outcome) => upserts.inc({ outcome }),
    cache: (result) => cache.inc({ result }),
    request(operation, outcome, seconds) {
      duration.observe({ operation, outcome }, seconds);
      if (outcome === 'error') errors.inc({ operation });
    },
  };
}

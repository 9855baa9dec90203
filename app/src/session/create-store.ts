/** Picks the session store named by GATEHOUSE_SESSION_STORE. */
import type { Config } from '../config/config.ts';
import type { TraceOperation } from '../observability/tracing/tracing.ts';
import { createMemoryStore } from './memory-store.ts';
import { createRedisStore } from './redis-store.ts';
import type { Sealer } from './seal.ts';
import type { SessionStore } from './store.ts';

/**
 * Creates the configured store.
 * @param sealer - seals what a store keeps outside this process
 * @param observe - told of every operation of a remote store (for latency and error metrics)
 * @param trace - runs every operation of a remote store inside a span (tracing on)
 * @throws Error for a store name the config should already have refused
 */
export function createSessionStore(
  config: Config,
  sealer: Sealer,
  now: () => number = Date.now,
  observe?: (operation: string, seconds: number, ok: boolean) => void,
  trace?: TraceOperation,
): SessionStore {
  switch (config.sessionStore) {
    case 'memory':
      return createMemoryStore({ maxEntries: config.session.maxEntries, maxOnceValues: config.signInLimits.maxPending, now });
    case 'redis':
      if (!config.redis) throw new Error('GATEHOUSE_SESSION_STORE=redis without Redis settings');
      return createRedisStore(config.redis, sealer, { now, ...(observe ? { observe } : {}), trace });
    default:
      throw new Error(`unknown session store ${String(config.sessionStore)}`);
  }
}

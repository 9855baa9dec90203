/**
 * One connection to the session store's Redis for the parts that keep counters there (the
 * sign-in rate limit, the index of sign-ins in progress, the password sources' attempt limiter),
 * with the store's guard: every operation settles within GATEHOUSE_REDIS_TIMEOUT or rejects with
 * StoreUnavailableError.
 */
import type { RedisConfig } from '../config/config.ts';
import { createRedisClient, redisSecrets, type RedisClient } from './redis-client.ts';
import { createRedisGuard, type RedisGuard } from './redis-guard.ts';

/** A connection, its guard and the configured key prefix. */
export interface RedisLink {
  readonly client: RedisClient;
  readonly guard: RedisGuard;
  readonly keyPrefix: string;
  /** Ends the connection. */
  close(): Promise<void>;
}

/** Opens the link; it connects in the background and reconnects by itself. */
export function openRedisLink(redis: RedisConfig): RedisLink {
  const client = createRedisClient(redis);
  const guard = createRedisGuard(client, { timeoutMs: redis.timeoutMs, secrets: redisSecrets(redis) });
  return { client, guard, keyPrefix: redis.keyPrefix, close: () => guard.close() };
}

/**
 * The credential cache in Redis, shared by every replica so that one upsert serves them all and a
 * lock keeps the others out while it runs. Values arrive sealed. Every operation touches one key,
 * so standalone, Sentinel and Cluster deployments behave alike, and each settles within the
 * timeout or fails (the caller answers 503, never an allow).
 */
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '../../session/redis-client.ts';
import { createRedisGuard } from '../../session/redis-guard.ts';
import { defineStoreScripts } from '../../session/redis-scripts.ts';
import type { CredentialCache } from './credential-cache.ts';

/** Options of {@link createRedisCredentialCache}. */
export interface RedisCredentialCacheOptions {
  /** Every key written starts with it (the service's Redis key prefix, e.g. `gatehouse:`). */
  readonly keyPrefix: string;
  /** Upper bound of one operation, in ms. Default 500. */
  readonly timeoutMs?: number;
}

/** Redis wants whole milliseconds, and at least one. */
const ms = (value: number): number => Math.max(1, Math.ceil(value));

/**
 * Creates the cache on `client`, which the caller owns and closes (it may be the session
 * store's). Failures reject with StoreUnavailableError.
 */
export function createRedisCredentialCache(client: RedisClient, options: RedisCredentialCacheOptions): CredentialCache {
  const guard = createRedisGuard(client, { timeoutMs: options.timeoutMs ?? 500, secrets: [] });
  const scripts = defineStoreScripts(client);
  const valueKey = (key: string): string => `${options.keyPrefix}escred:${key}`;
  const lockKey = (key: string): string => `${options.keyPrefix}escred-lock:${key}`;

  return {
    async get(key) {
      const value = await guard.run('credentialGet', () => client.get(valueKey(key)));
      return value ?? undefined;
    },
    async set(key, value, ttlMs) {
      await guard.run('credentialSet', () => client.set(valueKey(key), value, 'PX', ms(ttlMs)));
    },
    async delete(key) {
      await guard.run('credentialDelete', () => client.del(valueKey(key)));
    },
    async lock(key, ttlMs) {
      const token = randomBytes(16).toString('base64url');
      const reply = await guard.run('credentialLock', () => client.set(lockKey(key), token, 'PX', ms(ttlMs), 'NX'));
      return reply === 'OK' ? token : undefined;
    },
    async unlock(key, token) {
      await guard.run('credentialUnlock', () => scripts.lockRelease(lockKey(key), token));
    },
  };
}

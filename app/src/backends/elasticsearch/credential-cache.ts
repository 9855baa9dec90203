/**
 * Where the Elasticsearch backend keeps sealed credentials and takes its per-user locks: in this
 * process's memory (one replica), or in Redis shared by the replicas
 * (redis-credential-cache.ts). Both pass one contract suite (credential-cache.contract.ts). The
 * cache only ever sees sealed values; it neither seals nor opens them.
 */
import { randomBytes } from 'node:crypto';

/** Values with expiry, and locks with expiry, by key. */
export interface CredentialCache {
  /** The value stored under `key`, or undefined when missing or expired. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` under `key` for `ttlMs`, replacing what was there. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Takes the lock `key` for `ttlMs` unless someone holds it (locks and values are separate).
   * @returns a token to unlock with, or undefined when the lock is held
   */
  lock(key: string, ttlMs: number): Promise<string | undefined>;
  /** Releases the lock `key`, only if `token` still holds it. */
  unlock(key: string, token: string): Promise<void>;
}

/** Options of {@link createMemoryCredentialCache}. */
export interface MemoryCredentialCacheOptions {
  /** Upper bound on values held; beyond it the oldest written is dropped. Default 10 000. */
  readonly maxEntries?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

interface Timed {
  readonly value: string;
  readonly expiresAt: number;
}

/** A bounded cache in this process's memory; not shared between replicas. */
export function createMemoryCredentialCache(options: MemoryCredentialCacheOptions = {}): CredentialCache {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const values = new Map<string, Timed>();
  const locks = new Map<string, Timed>();
  const live = (map: Map<string, Timed>, key: string): Timed | undefined => {
    const entry = map.get(key);
    if (entry && entry.expiresAt <= now()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  };
  // Expired values are dropped when read; the bound keeps unread ones from piling up.
  const bound = (map: Map<string, Timed>): void => {
    for (const key of map.keys()) {
      if (map.size <= maxEntries) break;
      map.delete(key);
    }
  };

  return {
    async get(key) {
      return live(values, key)?.value;
    },
    async set(key, value, ttlMs) {
      // Re-inserting moves the key to the end: Map order is then the order of writes.
      values.delete(key);
      values.set(key, { value, expiresAt: now() + ttlMs });
      bound(values);
    },
    async delete(key) {
      values.delete(key);
    },
    async lock(key, ttlMs) {
      if (live(locks, key)) return undefined;
      const token = randomBytes(16).toString('base64url');
      locks.set(key, { value: token, expiresAt: now() + ttlMs });
      bound(locks);
      return token;
    },
    async unlock(key, token) {
      if (locks.get(key)?.value === token) locks.delete(key);
    },
  };
}

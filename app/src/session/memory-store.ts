/**
 * A session store in this process's memory: bounded, with idle and absolute expiry. Sessions do
 * not survive a restart and are not shared between replicas; use the Redis store for that.
 */
import { randomBytes } from 'node:crypto';
import type { SessionRecord } from './session-record.ts';
import type { SessionStore } from './store.ts';

interface Entry<T> {
  value: T;
  expiresAt: number;
}

/** Options of the memory store. */
export interface MemoryStoreOptions {
  /** Upper bound on sessions; beyond it the least recently used is dropped. */
  readonly maxEntries: number;
  /** Upper bound on values stored with putOnce (the sign-ins in progress); beyond it the oldest is dropped. */
  readonly maxOnceValues?: number;
  /** How often expired entries are swept, in ms. */
  readonly sweepIntervalMs?: number;
  /** The clock, for tests. */
  readonly now?: () => number;
}

/** Creates a memory store. */
export function createMemoryStore(options: MemoryStoreOptions): SessionStore {
  const now = options.now ?? Date.now;
  // Map iteration order is insertion order; re-inserting on read makes the first key the least recently used.
  const sessions = new Map<string, Entry<SessionRecord>>();
  const onceValues = new Map<string, Entry<string>>();
  const claims = new Map<string, Entry<true>>();
  const indexes = new Map<string, Entry<Set<string>>>();
  const locks = new Map<string, Entry<string>>();
  const maxOnce = Math.max(1000, options.maxEntries);
  const live = <T>(map: Map<string, Entry<T>>, key: string): Entry<T> | undefined => {
    const entry = map.get(key);
    if (entry && entry.expiresAt <= now()) {
      map.delete(key);
      return undefined;
    }
    return entry;
  };

  const sweep = (): void => {
    const t = now();
    for (const [key, entry] of sessions) if (entry.expiresAt <= t) sessions.delete(key);
    for (const map of [onceValues, claims, indexes, locks] as Array<Map<string, Entry<unknown>>>) {
      for (const [key, entry] of map) if (entry.expiresAt <= t) map.delete(key);
    }
  };
  const timer = setInterval(sweep, options.sweepIntervalMs ?? 60_000);
  timer.unref();

  const evictBeyond = <T>(map: Map<string, Entry<T>>, max: number): void => {
    while (map.size > max) {
      const oldest = map.keys().next();
      if (oldest.done) break;
      map.delete(oldest.value);
    }
  };

  // The session inserted last, when it is still there: reading it again changes no order, so the
  // checks of one busy session (a page's requests) skip the delete and re-insert.
  let newest: string | undefined;
  // Synchronous: a check on the memory store waits for nothing.
  const read = (id: string, idleMs: number): SessionRecord | undefined => {
    const entry = sessions.get(id);
    if (!entry) return undefined;
    const t = now();
    if (entry.expiresAt <= t || entry.value.expiresAt <= t) {
      sessions.delete(id);
      return undefined;
    }
    entry.expiresAt = Math.min(t + idleMs, entry.value.expiresAt);
    if (id !== newest) {
      sessions.delete(id);
      sessions.set(id, entry);
      newest = id;
    }
    return entry.value;
  };

  return {
    kind: 'memory',
    get: async (id, idleMs) => read(id, idleMs),
    read,
    async set(id, record, idleMs) {
      sessions.delete(id);
      sessions.set(id, { value: record, expiresAt: Math.min(now() + idleMs, record.expiresAt) });
      newest = id;
      evictBeyond(sessions, options.maxEntries);
    },
    async delete(id) {
      sessions.delete(id);
    },
    async putOnce(key, value, ttlMs) {
      onceValues.set(key, { value, expiresAt: now() + ttlMs });
      evictBeyond(onceValues, options.maxOnceValues ?? maxOnce);
    },
    async takeOnce(key) {
      const entry = onceValues.get(key);
      if (!entry) return undefined;
      onceValues.delete(key);
      return entry.expiresAt > now() ? entry.value : undefined;
    },
    async claim(key, ttlMs) {
      if (live(claims, key)) return false;
      claims.set(key, { value: true, expiresAt: now() + ttlMs });
      evictBeyond(claims, maxOnce);
      return true;
    },
    async addToIndex(index, member, ttlMs) {
      const entry = live(indexes, index);
      const expiresAt = now() + ttlMs;
      if (entry) {
        entry.value.add(member);
        entry.expiresAt = Math.max(entry.expiresAt, expiresAt);
      } else {
        indexes.set(index, { value: new Set([member]), expiresAt });
        evictBeyond(indexes, options.maxEntries);
      }
    },
    async takeIndex(index) {
      const entry = live(indexes, index);
      indexes.delete(index);
      return entry ? [...entry.value] : [];
    },
    async lock(key, ttlMs) {
      if (live(locks, key)) return undefined;
      const token = randomBytes(12).toString('hex');
      locks.set(key, { value: token, expiresAt: now() + ttlMs });
      return token;
    },
    async unlock(key, token) {
      if (locks.get(key)?.value === token) locks.delete(key);
    },
    async ping() {},
    count() {
      return sessions.size;
    },
    async close() {
      clearInterval(timer);
      for (const map of [sessions, onceValues, claims, indexes, locks] as Array<Map<string, unknown>>) map.clear();
    },
  };
}

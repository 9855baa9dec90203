/**
 * A session store in Redis, shared by every replica. Sessions are sealed with the cookie keys
 * before they leave the process, so a Redis dump or a replica link shows no token, and each value
 * is bound to its key. Expiry is kept by Redis; every operation touches one key, so standalone,
 * Sentinel and Cluster deployments behave alike. Sessions are kept in the compact layout
 * (redis-compact-layout.ts); those of earlier versions, known by their ids, in the hash layout
 * they were written in (redis-hash-layout.ts).
 */
import { randomBytes } from 'node:crypto';
import type { RedisConfig } from '../config/config.ts';
import type { TraceOperation } from '../observability/tracing/tracing.ts';
import { createRedisClient, redisSecrets } from './redis-client.ts';
import { createRedisGuard, type ObserveOperation, type RedisGuard } from './redis-guard.ts';
import { createInvalidationChannel } from './redis-invalidation.ts';
import { compactLayout, type SessionLayout } from './redis-compact-layout.ts';
import { hashLayout } from './redis-hash-layout.ts';
import { createLocalCopies } from './redis-local-copies.ts';
import { defineStoreScripts } from './redis-scripts.ts';
import type { Sealer } from './seal.ts';
import { isLegacySessionId } from './session-id.ts';
import type { SessionRecord } from './session-record.ts';
import type { SessionStore } from './store.ts';

/** Options of {@link createRedisStore}. */
export interface RedisStoreOptions {
  /** The clock; its reading is what the absolute session expiry is compared with. */
  readonly now?: () => number;
  /** Called after each operation with its name, duration in seconds and outcome, for metrics. */
  readonly observe?: ObserveOperation;
  /** Runs each operation inside a span (tracing on); undefined leaves the operations as they are. */
  readonly trace?: TraceOperation | undefined;
}

/** Redis wants whole milliseconds, and at least one: zero or less would delete or be refused. */
const ms = (value: number): number => Math.max(1, Math.ceil(value));
const MAX_LOCAL_COPIES = 10_000;

/**
 * Creates a Redis store; it connects in the background and reconnects by itself.
 * Every operation rejects with StoreUnavailableError when Redis cannot answer in time.
 */
export function createRedisStore(redis: RedisConfig, sealer: Sealer, options: RedisStoreOptions = {}): SessionStore {
  const now = options.now ?? Date.now;
  const client = createRedisClient(redis);
  const scripts = defineStoreScripts(client);
  const guarded = createRedisGuard(client, {
    timeoutMs: redis.timeoutMs,
    secrets: redisSecrets(redis),
    observe: options.observe,
  });
  const { trace } = options;
  const guard: RedisGuard = trace ? { run: (operation, action) => trace(operation, () => guarded.run(operation, action)), close: () => guarded.close() } : guarded;
  const prefix = redis.keyPrefix;
  const compact = compactLayout(client, sealer, prefix);
  const hash = hashLayout(client, scripts, sealer, prefix);
  // Both layouts decode to records; what differs (the raw value) never leaves the layout.
  const layoutOf = (id: string): SessionLayout<unknown> => (isLegacySessionId(id) ? (hash as SessionLayout<unknown>) : (compact as SessionLayout<unknown>));
  // The last version of sessions this replica decoded (redis-local-copies.ts).
  const copies = createLocalCopies(MAX_LOCAL_COPIES, () => sealer.generation());
  const invalidation = createInvalidationChannel(
    client,
    `${prefix}invalidate`,
    (id) => copies.forget(id),
    () => copies.clear(),
  );
  // Set and delete tell the other replicas; a failed announcement cannot be allowed to leave a
  // stale copy anywhere, so the operation itself fails and the caller answers 5xx.
  const announce = (id: string): Promise<unknown> => guard.run('publish', () => invalidation.publish(id));
  const decode = (id: string, layout: SessionLayout<unknown>, key: string, raw: unknown): SessionRecord | undefined => {
    // Sealed with a key that has since been rotated away, or not by us: as good as missing.
    const opened = layout.decode(key, raw);
    if (opened === undefined) return undefined;
    copies.offer(id, opened.tag, opened.record);
    return opened.record;
  };

  return {
    kind: 'redis',
    async get(id, idleMs) {
      const layout = layoutOf(id);
      const key = layout.key(id);
      const known = copies.get(id);
      // A local copy answers without a round trip for localTtlMs, then is checked against Redis again
      // (which also slides the idle expiry there). Changes made anywhere arrive sooner, by pub/sub.
      if (known && invalidation.live() && performance.now() - known.checkedAt < redis.localTtlMs) {
        return known.record.expiresAt > now() ? known.record : undefined;
      }
      const read = await guard.run('get', () => layout.read(key, idleMs, now(), known));
      if (read.state === 'found') return decode(id, layout, key, read.raw);
      if (read.state === 'unchanged' && known) {
        known.checkedAt = performance.now();
        return known.record;
      }
      copies.forget(id);
      return undefined;
    },
    async set(id, record, idleMs) {
      const layout = layoutOf(id);
      const key = layout.key(id);
      const ttl = Math.floor(Math.min(idleMs, record.expiresAt - now()));
      copies.forget(id);
      // Already past its absolute expiry: nothing to keep, and what was there goes.
      await guard.run('set', () => (ttl < 1 ? client.del(key) : layout.write(key, record, ttl)));
      await announce(id);
    },
    async delete(id) {
      copies.forget(id);
      await guard.run('delete', () => client.del(layoutOf(id).key(id)));
      await announce(id);
    },
    async putOnce(key, value, ttlMs) {
      await guard.run('putOnce', () => client.set(`${prefix}once:${key}`, value, 'PX', ms(ttlMs)));
    },
    async takeOnce(key) {
      const value = await guard.run('takeOnce', () => client.getdel(`${prefix}once:${key}`));
      return value ?? undefined;
    },
    async claim(key, ttlMs) {
      const reply = await guard.run('claim', () => client.set(`${prefix}claim:${key}`, '1', 'PX', ms(ttlMs), 'NX'));
      return reply === 'OK';
    },
    async addToIndex(index, member, ttlMs) {
      await guard.run('addToIndex', () => scripts.indexAdd(`${prefix}index:${index}`, member, ms(ttlMs)));
    },
    async takeIndex(index) {
      return guard.run('takeIndex', () => scripts.indexTake(`${prefix}index:${index}`));
    },
    async lock(key, ttlMs) {
      const token = randomBytes(16).toString('base64url');
      const reply = await guard.run('lock', () => client.set(`${prefix}lock:${key}`, token, 'PX', ms(ttlMs), 'NX'));
      return reply === 'OK' ? token : undefined;
    },
    async unlock(key, token) {
      await guard.run('unlock', () => scripts.lockRelease(`${prefix}lock:${key}`, token));
    },
    async ping() {
      await guard.run('ping', () => client.ping());
    },
    count() {
      // Counting sessions would need a SCAN over the key space on every scrape.
      return -1;
    },
    async close() {
      await invalidation.close();
      await guard.close();
    },
  };
}

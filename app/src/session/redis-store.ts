/**
 * A session store in Redis, shared by every replica. Sessions are sealed with the cookie keys
 * before they leave the process, so a Redis dump or a replica link shows no token, and each value
 * is bound to its key. Expiry is kept by Redis; every operation touches one key, so standalone,
 * Sentinel and Cluster deployments behave alike.
 */
import { randomBytes } from 'node:crypto';
import type { RedisConfig } from '../config/config.ts';
import type { TraceOperation } from '../observability/tracing/tracing.ts';
import { createRedisClient, redisSecrets } from './redis-client.ts';
import { createRedisGuard, type ObserveOperation, type RedisGuard } from './redis-guard.ts';
import { createInvalidationChannel } from './redis-invalidation.ts';
import { defineStoreScripts } from './redis-scripts.ts';
import { createSessionReader } from './redis-session-read.ts';
import type { Sealer } from './seal.ts';
import { recordFromJson, recordToJson } from './session-record-json.ts';
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
// Sessions with large tokens seal to more than a cookie's 8 KiB; a stored value may be up to 1 MiB.
const MAX_SEALED_LENGTH = 1 << 20;
const ms = (value: number): number => Math.max(1, Math.ceil(value));
const MAX_DECODED = 10_000;
// A sealed value starts with its version byte and random IV: its first 24 characters name this write.
// Built from two pieces too short for V8 to share the parent's memory: a plain slice would keep
// the whole sealed record (kilobytes) alive beside every decoded session.
const tagOf = (sealed: string): string => sealed.slice(0, 12) + sealed.slice(12, 24);

/**
 * Creates a Redis store; it connects in the background and reconnects by itself.
 * Every operation rejects with StoreUnavailableError when Redis cannot answer in time.
 */
export function createRedisStore(redis: RedisConfig, sealer: Sealer, options: RedisStoreOptions = {}): SessionStore {
  const now = options.now ?? Date.now;
  const client = createRedisClient(redis);
  const scripts = defineStoreScripts(client);
  const reader = createSessionReader(client);
  const guarded = createRedisGuard(client, {
    timeoutMs: redis.timeoutMs,
    secrets: redisSecrets(redis),
    observe: options.observe,
  });
  const { trace } = options;
  const guard: RedisGuard = trace ? { run: (operation, action) => trace(operation, () => guarded.run(operation, action)), close: () => guarded.close() } : guarded;
  const prefix = redis.keyPrefix;
  const sessionKey = (id: string): string => `${prefix}session:${id}`;
  // The purpose binds a sealed session to its key: copied under another id it no longer opens.
  const purpose = (key: string): string => `store:${key}`;
  // The last version of each session this replica decoded, by its tag: an unchanged session then
  // costs a one-character reply instead of fetching, decrypting and parsing the record on every
  // check. Entries are ignored once the keys rotate.
  const decoded = new Map<string, { tag: string; record: SessionRecord; generation: number; checkedAt: number }>();
  const invalidation = createInvalidationChannel(
    client,
    `${prefix}invalidate`,
    (id) => decoded.delete(id),
    () => decoded.clear(),
  );
  // Set and delete tell the other replicas; a failed announcement cannot be allowed to leave a
  // stale copy anywhere, so the operation itself fails and the caller answers 5xx.
  const announce = (id: string): Promise<unknown> => guard.run('publish', () => invalidation.publish(id));
  const current = (id: string) => {
    const hit = decoded.get(id);
    return hit && hit.generation === sealer.generation() ? hit : undefined;
  };
  const decode = (id: string, key: string, sealed: string): SessionRecord | undefined => {
    // Sealed with a key that has since been rotated away, or not by us: as good as missing.
    const plain = sealer.unseal(sealed, purpose(key), MAX_SEALED_LENGTH);
    if (plain === undefined) return undefined;
    const record = recordFromJson(plain.toString('utf8'));
    if (record === undefined) return undefined;
    if (decoded.size >= MAX_DECODED) decoded.clear();
    decoded.set(id, { tag: tagOf(sealed), record, generation: sealer.generation(), checkedAt: performance.now() });
    return record;
  };

  return {
    kind: 'redis',
    async get(id, idleMs) {
      const key = sessionKey(id);
      const known = current(id);
      // A local copy answers without a round trip for localTtlMs, then is checked against Redis again
      // (which also slides the idle expiry there). Changes made anywhere arrive sooner, by pub/sub.
      if (known && invalidation.live() && performance.now() - known.checkedAt < redis.localTtlMs) {
        return known.record.expiresAt > now() ? known.record : undefined;
      }
      const read = await guard.run('get', () => reader.read(key, idleMs, now(), known));
      if (read.state === 'found') return decode(id, key, read.sealed);
      if (read.state === 'unchanged' && known) {
        known.checkedAt = performance.now();
        return known.record;
      }
      decoded.delete(id);
      return undefined;
    },
    async set(id, record, idleMs) {
      const key = sessionKey(id);
      const sealed = sealer.seal(Buffer.from(recordToJson(record), 'utf8'), purpose(key));
      const ttl = Math.floor(Math.min(idleMs, record.expiresAt - now()));
      decoded.delete(id);
      await guard.run('set', () => scripts.sessionSet(key, sealed, tagOf(sealed), record.expiresAt, ttl));
      await announce(id);
    },
    async delete(id) {
      decoded.delete(id);
      await guard.run('delete', () => client.del(sessionKey(id)));
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

/**
 * The Redis store's local copies: the last version of each session this replica decoded, so that a
 * check is answered without a round trip for GATEHOUSE_REDIS_LOCAL_TTL, and after it an unchanged
 * session is not decoded again. A session is kept from its second read on: the first only notes its
 * id. With more sessions in use than copies are kept (100,000 users whose checks are seconds apart),
 * keeping every session read once carried each decoded record into the collector's old generation
 * only to drop it unread: reading 100,000 sessions at random through the store, what each read left
 * in the old generation fell from about 1,500 to 840 bytes and full collections by a third. A session
 * read again soon, as a page's many requests are, is kept from its second request.
 * Bounded: at most `limit` copies and twice as many noted ids, each dropped all at once when full,
 * so no read pays for bookkeeping. Copies made under cookie keys since rotated are ignored.
 */
import type { SessionRecord } from './session-record.ts';

/** One decoded version of a session. */
export interface LocalCopy {
  /** Names the version (redis-compact-layout.ts, redis-hash-layout.ts). */
  readonly tag: string;
  readonly record: SessionRecord;
  readonly generation: number;
  /** performance.now() when Redis last confirmed it. */
  checkedAt: number;
}

/** A replica's local copies. */
export interface LocalCopies {
  /** The copy of `id` made under the current keys, if one is kept. */
  get(id: string): LocalCopy | undefined;
  /** Offers a freshly decoded version of `id`: kept when the session was read recently before. */
  offer(id: string, tag: string, record: SessionRecord): void;
  forget(id: string): void;
  clear(): void;
}

/** Creates the copies, at most `limit`; `generation` is the sealer's key generation. */
export function createLocalCopies(limit: number, generation: () => number): LocalCopies {
  const copies = new Map<string, LocalCopy>();
  // Ids read once, not yet kept: strings the cookie cache holds anyway, so noting them costs little.
  const seen = new Set<string>();
  return {
    get(id) {
      const copy = copies.get(id);
      return copy !== undefined && copy.generation === generation() ? copy : undefined;
    },
    offer(id, tag, record) {
      if (!copies.has(id) && !seen.delete(id)) {
        if (seen.size >= 2 * limit) seen.clear();
        seen.add(id);
        return;
      }
      if (copies.size >= limit) copies.clear();
      copies.set(id, { tag, record, generation: generation(), checkedAt: performance.now() });
    },
    forget(id) {
      copies.delete(id);
    },
    clear() {
      copies.clear();
      seen.clear();
    },
  };
}

/**
 * The hash layout, in which versions before the compact one (redis-compact-layout.ts) kept every
 * session. The store still reads and writes it for their sessions, whose ids are 32 characters
 * (session-id.ts), so sessions made before an upgrade stay valid and replicas of both versions
 * share them while it rolls: a hash `<prefix>session:<id>` of the sealed JSON record as base64url
 * text (`data`), its first 24 characters naming the version (`tag`), and `expiresAt` in clear text.
 */
import type { RedisClient } from './redis-client.ts';
import type { StoreScripts } from './redis-scripts.ts';
import type { SessionLayout } from './redis-compact-layout.ts';
import { createSessionReader } from './redis-session-read.ts';
import type { Sealer } from './seal.ts';
import { recordFromJson, recordToJson } from './session-record-json.ts';

// Sessions with large tokens seal to more than a cookie's 8 KiB; a stored value may be up to 1 MiB.
const MAX_SEALED_LENGTH = 1 << 20;
// A sealed value starts with its version byte and random IV: its first 24 characters name this write.
// Built from two pieces too short for V8 to share the parent's memory: a plain slice would keep
// the whole sealed record (kilobytes) alive beside every decoded session.
const tagOf = (sealed: string): string => sealed.slice(0, 12) + sealed.slice(12, 24);

/** The hash layout over `client` (which must auto-pipeline for the one round trip). */
export function hashLayout(client: RedisClient, scripts: StoreScripts, sealer: Sealer, prefix: string): SessionLayout<string> {
  const reader = createSessionReader(client);
  const purpose = (key: string): string => `store:${key}`;
  return {
    key: (id) => `${prefix}session:${id}`,
    async read(key, idleMs, now, known) {
      const read = await reader.read(key, idleMs, now, known);
      return read.state === 'found' ? { state: 'found', raw: read.sealed } : read;
    },
    decode(key, sealed) {
      // Sealed with a key that has since been rotated away, or not by us: as good as missing.
      const plain = sealer.unseal(sealed, purpose(key), MAX_SEALED_LENGTH);
      const record = plain === undefined ? undefined : recordFromJson(plain.toString('utf8'));
      return record === undefined ? undefined : { tag: tagOf(sealed), record };
    },
    write(key, record, ttlMs) {
      const sealed = sealer.seal(Buffer.from(recordToJson(record), 'utf8'), purpose(key));
      return scripts.sessionSet(key, sealed, tagOf(sealed), record.expiresAt, ttlMs);
    },
  };
}

/**
 * The compact layout of a session in Redis: one string key, `<prefix>s:<id>`, whose binary value is
 *
 *   u8 1                   this layout
 *   f64 (big-endian)       the absolute expiry, epoch ms, in clear: a read caps the idle expiry by it
 *                          without decrypting anything
 *   sealed record          seal.ts's bytes (version, IV, ciphertext, tag) of session-record-compact.ts
 *
 * A check reads and slides the idle expiry with one plain command, GETEX … PX (Redis 6.2), the
 * reply carrying nothing but the session. Its first 22 bytes (layout, expiry and the seal's random
 * IV) name the version: a replica holding that version decoded compares them and decodes nothing.
 * (Asking for only those bytes would take a second command, GETRANGE beside PEXPIRE, which cost
 * more than the few hundred bytes it saves.)
 */
import type { RedisClient } from './redis-client.ts';
import type { Sealer } from './seal.ts';
import { decodeRecord, encodeRecord } from './session-record-compact.ts';
import type { SessionRecord } from './session-record.ts';

const LAYOUT = 1;
const EXPIRY_AT = 1;
const SEALED_AT = 9;
/** Layout byte, expiry, seal version and the 12-byte IV. */
const TAG_BYTES = SEALED_AT + 1 + 12;

/** What a read found: the raw value when there is one to decode. */
export type LayoutRead<Raw> = { readonly state: 'missing' } | { readonly state: 'unchanged' } | { readonly state: 'found'; readonly raw: Raw };

/** The version of a session a replica holds decoded. */
export interface KnownVersion {
  readonly tag: string;
  readonly record: { readonly expiresAt: number };
}

/** How one layout keeps sessions: where, how a check reads one, how it is decoded and written. */
export interface SessionLayout<Raw> {
  key(id: string): string;
  /** Reads `key` and slides its idle expiry to `idleMs`, never past its absolute expiry; one round trip while unchanged. */
  read(key: string, idleMs: number, now: number, known: KnownVersion | undefined): Promise<LayoutRead<Raw>>;
  /** The record and the tag naming its version; undefined when it does not open or is not a record. */
  decode(key: string, raw: Raw): { readonly tag: string; readonly record: SessionRecord } | undefined;
  /** Writes `record` to expire in `ttlMs` (at least 1). */
  write(key: string, record: SessionRecord, ttlMs: number): Promise<unknown>;
}

const MISSING = Object.freeze({ state: 'missing' as const });
const UNCHANGED = Object.freeze({ state: 'unchanged' as const });
const ignore = (): void => {};
/** Whole milliseconds, at least one: Redis refuses zero and a negative value would delete. */
const ttlOf = (idleMs: number, expiresAt: number, now: number): number => Math.max(1, Math.ceil(Math.min(idleMs, expiresAt - now)));

/** The compact layout over `client` (which must auto-pipeline for the one round trip). */
export function compactLayout(client: RedisClient, sealer: Sealer, prefix: string): SessionLayout<Buffer> {
  // The purpose binds a sealed session to its key: copied under another id it no longer opens.
  const purpose = (key: string): string => `store:${key}`;
  // Follow-ups nobody waits for: the answer is decided, they only tidy Redis. A failure leaves at
  // most a key living until its idle expiry, which reads as expired.
  const tidy = (command: Promise<unknown>): void => {
    command.catch(ignore);
  };
  /** The absolute expiry in a value's first bytes, or undefined when they are not this layout's. */
  const expiryOf = (value: Buffer): number | undefined => (value.length >= TAG_BYTES && value[0] === LAYOUT ? value.readDoubleBE(EXPIRY_AT) : undefined);
  return {
    key: (id) => `${prefix}s:${id}`,
    async read(key, idleMs, now, known) {
      // With a version held, its absolute expiry is known too, so the slide is exact at once.
      const value = await client.getexBuffer(key, 'PX', known ? ttlOf(idleMs, known.record.expiresAt, now) : Math.max(1, Math.ceil(idleMs)));
      if (value === null) return MISSING;
      const expiresAt = expiryOf(value);
      if (expiresAt === undefined || !(expiresAt > now)) {
        tidy(client.del(key));
        return MISSING;
      }
      if ((!known || expiresAt !== known.record.expiresAt) && expiresAt - now < idleMs) tidy(client.pexpire(key, ttlOf(idleMs, expiresAt, now)));
      // The version held: answered without decoding anything.
      if (known && value.toString('latin1', 0, TAG_BYTES) === known.tag) return UNCHANGED;
      return { state: 'found', raw: value };
    },
    decode(key, raw) {
      const plain = sealer.unsealBytes(raw.subarray(SEALED_AT), purpose(key));
      const record = plain === undefined ? undefined : decodeRecord(plain);
      return record === undefined ? undefined : { tag: raw.toString('latin1', 0, TAG_BYTES), record };
    },
    write(key, record, ttlMs) {
      const head = Buffer.alloc(SEALED_AT);
      head[0] = LAYOUT;
      head.writeDoubleBE(record.expiresAt, EXPIRY_AT);
      const value = Buffer.concat([head, sealer.sealBytes(encodeRecord(record), purpose(key))]);
      return client.set(key, value, 'PX', ttlMs);
    },
  };
}

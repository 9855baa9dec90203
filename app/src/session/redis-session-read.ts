/**
 * The read of the hash layout (redis-hash-layout.ts), which sessions made before the compact layout
 * are kept in: a session hash read and its idle expiry slid in one round trip of
 * plain commands (HMGET and PEXPIRE, sent together by ioredis's auto-pipelining), rather than a Lua
 * script, which cost Redis several times the CPU of the commands it ran. What the script did atomically is done
 * here in order: a key past its absolute expiry reads as missing and is deleted, and an idle slide
 * that would outlive the absolute expiry is cut back to it.
 */
import type { RedisClient } from './redis-client.ts';

/** What a read found. */
export type SessionRead =
  | { readonly state: 'missing' }
  /** The caller's version is current: only the tag and expiry came back. */
  | { readonly state: 'unchanged' }
  | { readonly state: 'found'; readonly sealed: string };

/** The version of a session a replica holds decoded. */
export interface KnownVersion {
  readonly tag: string;
  readonly record: { readonly expiresAt: number };
}

/** Reads session hashes; every call is one round trip, two when the caller's version changed. */
export interface SessionReader {
  /**
   * Reads `key` and slides its expiry to `idleMs` (never past its absolute expiry).
   * @param known - the version the caller holds (its tag, and its record's absolute expiry), if any
   */
  read(key: string, idleMs: number, now: number, known: KnownVersion | undefined): Promise<SessionRead>;
}

const MISSING: SessionRead = Object.freeze({ state: 'missing' });
const UNCHANGED: SessionRead = Object.freeze({ state: 'unchanged' });
const ignore = (): void => {};

/** Whole milliseconds, at least one: Redis refuses zero and a negative value would delete. */
const ttlOf = (idleMs: number, expiresAt: number, now: number): number => Math.max(1, Math.ceil(Math.min(idleMs, expiresAt - now)));

/** Creates the reader over `client` (which must auto-pipeline for the one round trip). */
export function createSessionReader(client: RedisClient): SessionReader {
  // Follow-up commands nobody waits for: the answer is already decided, they only tidy Redis.
  // A failure leaves at most a key that lives until its idle expiry and reads as expired.
  const tidy = (command: Promise<unknown>): void => {
    command.catch(ignore);
  };
  return {
    async read(key, idleMs, now, known) {
      // With a known version the absolute expiry is known too, so the slide is exact at once.
      tidy(client.pexpire(key, known ? ttlOf(idleMs, known.record.expiresAt, now) : Math.max(1, Math.ceil(idleMs))));
      const [tag, expiry, data] = known ? await client.hmget(key, 'tag', 'expiresAt') : await client.hmget(key, 'tag', 'expiresAt', 'data');
      if (expiry === null || expiry === undefined) return MISSING;
      const expiresAt = Number(expiry);
      if (!Number.isFinite(expiresAt) || expiresAt <= now) {
        tidy(client.del(key));
        return MISSING;
      }
      if ((!known || expiresAt !== known.record.expiresAt) && expiresAt - now < idleMs) tidy(client.pexpire(key, ttlOf(idleMs, expiresAt, now)));
      if (known && tag === known.tag) return UNCHANGED;
      // A changed version: its data, fetched now unless it came with the first reply.
      const sealed = data ?? (known ? await client.hget(key, 'data') : null);
      return sealed === null || sealed === undefined ? MISSING : { state: 'found', sealed };
    },
  };
}

/**
 * The principal cache (EventStoreDB's PrincipalCacheDurationSec): a login the directory accepted
 * is answered from memory for a while without asking it again. The password itself is never
 * kept, only a salted scrypt hash of it, so a repeated password is recognised but a memory dump
 * gives no password and costs a slow hash per guess. Every lookup costs one such hash, a login
 * that is not cached too, so timing does not tell which logins are.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt with N=2^12, r=8: 4 MiB and about 7 ms per hash here, off the event loop (libuv's pool). */
const SCRYPT: ScryptOptions = { N: 4096, r: 8, p: 1, maxmem: 16 * 1024 * 1024 };
const KEY_BYTES = 32;
/** Logins remembered at once; beyond it the oldest goes. */
const MAX_ENTRIES = 10_000;

/** Remembers what a login and password were found to be. */
export interface PrincipalCache<T> {
  /** The remembered value when `password` is the one it was stored with and it is still fresh. */
  get(login: string, password: string): Promise<T | undefined>;
  set(login: string, password: string, value: T): Promise<void>;
  readonly size: number;
}

interface Entry<T> {
  readonly salt: Buffer;
  readonly hash: Buffer;
  readonly until: number;
  readonly value: T;
}

function slowHash(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, SCRYPT, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/**
 * Creates the cache.
 * @param ttlMs - how long an entry answers; 0 turns the cache off (nothing is hashed or kept)
 */
export function createPrincipalCache<T>(ttlMs: number, now: () => number = Date.now, maxEntries = MAX_ENTRIES): PrincipalCache<T> {
  const entries = new Map<string, Entry<T>>();
  // Hashed against when a login has no entry, so a miss costs what a hit does.
  const decoy = { salt: randomBytes(16), hash: randomBytes(KEY_BYTES) };
  return {
    async get(login, password) {
      if (ttlMs === 0) return undefined;
      let entry = entries.get(login);
      if (entry && entry.until <= now()) {
        entries.delete(login);
        entry = undefined;
      }
      const hash = await slowHash(password, entry?.salt ?? decoy.salt);
      const same = timingSafeEqual(hash, entry?.hash ?? decoy.hash);
      return entry && same ? entry.value : undefined;
    },
    async set(login, password, value) {
      if (ttlMs === 0) return;
      const salt = randomBytes(16);
      const hash = await slowHash(password, salt);
      entries.delete(login);
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(login, { salt, hash, until: now() + ttlMs, value });
    },
    get size() {
      return entries.size;
    },
  };
}

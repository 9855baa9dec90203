/**
 * The contract every session store meets. Stores are interchangeable: the memory store and the
 * Redis store pass the same contract suite (store.contract.ts).
 */
import type { SessionRecord } from './session-record.ts';

/** Raised by a store that cannot be reached; callers answer with a fast 5xx, never an allow. */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Session and one-time-value storage with server-side expiry. */
export interface SessionStore {
  /** A short name for logs and metrics. */
  readonly kind: string;
  /**
   * Reads a session and slides its idle expiry to `now + idleMs` (never past the record's `expiresAt`).
   * @returns the record, or undefined when missing or expired
   */
  get(id: string, idleMs: number): Promise<SessionRecord | undefined>;
  /**
   * get(), answered synchronously when no I/O is needed (the memory store), so a check on such a
   * store waits for nothing; stores without it are read through get.
   */
  read?(id: string, idleMs: number): SessionRecord | undefined | Promise<SessionRecord | undefined>;
  /** Writes a session that expires after `idleMs` unless read again. */
  set(id: string, record: SessionRecord, idleMs: number): Promise<void>;
  /** Removes a session; removing a missing one is not an error. */
  delete(id: string): Promise<void>;
  /** Stores a value that can be taken once, within `ttlMs`. */
  putOnce(key: string, value: string, ttlMs: number): Promise<void>;
  /** Atomically reads and removes a value stored with putOnce; a second take gets undefined. */
  takeOnce(key: string): Promise<string | undefined>;
  /**
   * Records `key` for `ttlMs` unless it is already recorded.
   * @returns true when this call recorded it (a first sighting), false for a repeat
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Adds `member` to the set `index` (e.g. the sessions of one user), kept at least `ttlMs`. */
  addToIndex(index: string, member: string, ttlMs: number): Promise<void>;
  /** Removes the set `index` and returns its members. */
  takeIndex(index: string): Promise<string[]>;
  /**
   * Takes the lock `key` for `ttlMs` unless someone holds it.
   * @returns a token to unlock with, or undefined when the lock is held elsewhere
   */
  lock(key: string, ttlMs: number): Promise<string | undefined>;
  /** Releases a lock, only if `token` still holds it. */
  unlock(key: string, token: string): Promise<void>;
  /** Resolves when the store answers; rejects with StoreUnavailableError otherwise. */
  ping(): Promise<void>;
  /** Sessions currently held, for the active-sessions gauge; -1 when unknown. */
  count(): number;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/**
 * Certificates already verified, by the SHA-256 of their DER (their fingerprint): a repeated
 * certificate costs a hash and a lookup instead of a parse, a signature check and a name decode.
 * An entry lasts until the certificate, its CA or its revocation list runs out, and only while
 * the revocation lists it was checked against are the ones in force; the number of entries is
 * bounded, the oldest going first. Refusals are never cached: the next request is checked again.
 */
import type { Identity } from '../../session/session-record.ts';

interface Entry {
  readonly identity: Identity;
  readonly expiresAt: number;
  readonly listsGeneration: number;
}

/** The cache. */
export interface VerifiedCache {
  /** The identity of `fingerprint` when verified before and still good at `now` under `generation`. */
  get(fingerprint: string, now: number, generation: number): Identity | undefined;
  set(fingerprint: string, identity: Identity, expiresAt: number, generation: number): void;
  readonly size: number;
}

/** Creates a cache of at most `maxEntries`. */
export function createVerifiedCache(maxEntries: number): VerifiedCache {
  const entries = new Map<string, Entry>();
  return {
    get(fingerprint, now, generation) {
      const entry = entries.get(fingerprint);
      if (entry === undefined) return undefined;
      if (now < entry.expiresAt && entry.listsGeneration === generation) return entry.identity;
      entries.delete(fingerprint);
      return undefined;
    },
    set(fingerprint, identity, expiresAt, generation) {
      entries.delete(fingerprint);
      // Maps iterate in insertion order: the first key is the oldest entry.
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(fingerprint, { identity, expiresAt, listsGeneration: generation });
    },
    get size() {
      return entries.size;
    },
  };
}

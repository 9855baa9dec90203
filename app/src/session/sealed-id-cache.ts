/**
 * Remembers which sealed cookie values opened to which session id, so the hot path decrypts a
 * cookie once rather than on every request. Only successful unseals are kept, and the mapping is
 * a pure function of the value and the keys, so a hit is exactly what decryption would return.
 */

/** A bounded value → id map; cleared whole when full, which keeps it O(1) and allocation-free. */
export interface SealedIdCache {
  get(sealed: string): string | undefined;
  set(sealed: string, id: string): void;
  clear(): void;
}

/** Creates a cache holding at most `limit` entries. */
export function createSealedIdCache(limit: number): SealedIdCache {
  const map = new Map<string, string>();
  return {
    get: (sealed) => map.get(sealed),
    set(sealed, id) {
      if (map.size >= limit) map.clear();
      map.set(sealed, id);
    },
    clear: () => map.clear(),
  };
}

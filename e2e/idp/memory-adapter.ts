/** What oidc-provider stores per model instance; only the indexed fields are named. */
export interface AdapterPayload {
  [key: string]: unknown;
  grantId?: string;
  uid?: string;
  userCode?: string;
  consumed?: number;
}

/** The storage interface oidc-provider calls for every model (Session, Grant, AccessToken, …). */
export interface Adapter {
  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
  find(id: string): Promise<AdapterPayload | undefined>;
  findByUid(uid: string): Promise<AdapterPayload | undefined>;
  findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/**
 * Creates an adapter factory backed by one private Map per IdP instance.
 *
 * oidc-provider's bundled memory adapter is an LRU capped at 1000 entries and prints a warning
 * on every start; a load test could evict live sessions from it, this one only drops expired
 * entries.
 */
export function createMemoryAdapterFactory(): (model: string) => Adapter {
  const entries = new Map<string, Entry>();
  const grantMembers = new Map<string, Set<string>>();
  const uidIndex = new Map<string, string>();
  const userCodeIndex = new Map<string, string>();

  let writesSinceSweep = 0;
  const sweep = (): void => {
    const now = Date.now();
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  };

  const read = (key: string): AdapterPayload | undefined => {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  return (model: string): Adapter => {
    const keyOf = (id: string): string => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        // Expired entries are otherwise only dropped when read; a soak test would keep them all.
        if (++writesSinceSweep >= 1000) {
          writesSinceSweep = 0;
          sweep();
        }
        const key = keyOf(id);
        const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
        entries.set(key, { payload, expiresAt });
        if (payload.grantId !== undefined) {
          const members = grantMembers.get(payload.grantId) ?? new Set<string>();
          members.add(key);
          grantMembers.set(payload.grantId, members);
        }
        if (model === 'Session' && payload.uid !== undefined) uidIndex.set(payload.uid, id);
        if (payload.userCode !== undefined) userCodeIndex.set(payload.userCode, id);
      },
      async find(id) {
        return read(keyOf(id));
      },
      async findByUid(uid) {
        const id = uidIndex.get(uid);
        return id === undefined ? undefined : read(keyOf(id));
      },
      async findByUserCode(userCode) {
        const id = userCodeIndex.get(userCode);
        return id === undefined ? undefined : read(keyOf(id));
      },
      async consume(id) {
        const payload = read(keyOf(id));
        if (payload !== undefined) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        const key = keyOf(id);
        const payload = read(key);
        entries.delete(key);
        if (payload?.uid !== undefined && uidIndex.get(payload.uid) === id) uidIndex.delete(payload.uid);
        if (payload?.grantId !== undefined) grantMembers.get(payload.grantId)?.delete(key);
      },
      async revokeByGrantId(grantId) {
        for (const key of grantMembers.get(grantId) ?? []) entries.delete(key);
        grantMembers.delete(grantId);
      },
    };
  };
}

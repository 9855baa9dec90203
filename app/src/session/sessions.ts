/**
 * Sessions as the routes see them: create at sign-in, resolve a Cookie header on every check,
 * end at sign-out. The cookie carries only the sealed session id and never changes after
 * sign-in; everything else stays in the store.
 */
import type { Config } from '../config/config.ts';
import { readCookies, serializeCookie, clearCookie } from '../http/cookies.ts';
import type { Sealer } from './seal.ts';
import { createSealedIdCache } from './sealed-id-cache.ts';
import { keepsAccessToken, keptTokens } from './kept-tokens.ts';
import { newSessionId } from './session-id.ts';
import { providerSessionIndex, subjectIndex } from './session-indexes.ts';
import type { Identity, SessionRecord, SessionTokens } from './session-record.ts';
import type { SessionStore } from './store.ts';

const PURPOSE = 'session';

/** What a Cookie header resolves to. */
export type ResolvedSession =
  | { readonly state: 'active'; readonly id: string; readonly record: SessionRecord }
  | { readonly state: 'missing' | 'invalid' | 'expired' };

const MISSING: ResolvedSession = Object.freeze({ state: 'missing' });
const INVALID: ResolvedSession = Object.freeze({ state: 'invalid' });
const EXPIRED: ResolvedSession = Object.freeze({ state: 'expired' });

/** Session operations for the routes. */
export interface Sessions {
  /** The session cookie's name as sent. */
  readonly cookieName: string;
  /**
   * Stores a new session under a fresh id and returns its Set-Cookie value.
   * @param elasticsearchRealm - the realm of a sign-in through Elasticsearch, whose tokens `tokens` are
   */
  create(
    identity: Identity,
    tokens: SessionTokens,
    sid: string | undefined,
    elasticsearchRealm?: string,
  ): Promise<{ id: string; setCookie: string }>;
  /** Resolves the session cookie(s) of a request; one store read at most per cookie. */
  resolve(cookieHeader: string | undefined): Promise<ResolvedSession>;
  /** resolve(), answered synchronously when the store reads synchronously (the check's hot path). */
  resolveNow(cookieHeader: string | undefined): ResolvedSession | Promise<ResolvedSession>;
  /** Ends a session on the server. */
  end(id: string): Promise<void>;
  /**
   * Ends every session filed under an index (session-indexes.ts): one provider session, or a user.
   * @returns how many sessions were ended
   */
  endIndexed(index: string): Promise<number>;
  /** The Set-Cookie value that removes the session cookie. */
  readonly clearSetCookie: string;
}

/** Creates the session operations over a store. */
export function createSessions(config: Config, store: SessionStore, sealer: Sealer, now: () => number = Date.now): Sessions {
  const { cookie, session } = config;
  const keepAccessToken = keepsAccessToken(config);
  const cookieOptions = { domain: cookie.domain, secure: cookie.secure };
  const opened = createSealedIdCache(Math.min(session.maxEntries, 50_000));
  let openedGeneration = sealer.generation();
  const idOf = (value: string): string | undefined => {
    // After a key rotation a removed key must stop working: start the cache over.
    if (sealer.generation() !== openedGeneration) {
      opened.clear();
      openedGeneration = sealer.generation();
    }
    let id = opened.get(value);
    if (id === undefined) {
      id = sealer.unseal(value, PURPOSE)?.toString();
      if (id !== undefined) opened.set(value, id);
    }
    return id;
  };
  // Each cookie value in turn until one names a live session; a promise only for a store that waits.
  const resolveFrom = (values: readonly string[], from: number, sawValid: boolean): ResolvedSession | Promise<ResolvedSession> => {
    for (let i = from; i < values.length; i++) {
      const id = idOf(values[i] as string);
      if (id === undefined) continue;
      const record = store.read ? store.read(id, session.idleTimeoutMs) : store.get(id, session.idleTimeoutMs);
      return record instanceof Promise ? record.then((read) => settle(values, i, id, read)) : settle(values, i, id, record);
    }
    return sawValid ? EXPIRED : INVALID;
  };
  const settle = (values: readonly string[], at: number, id: string, record: SessionRecord | undefined): ResolvedSession | Promise<ResolvedSession> =>
    record && record.expiresAt > now() ? { state: 'active', id, record } : resolveFrom(values, at + 1, true);
  const resolveNow = (cookieHeader: string | undefined): ResolvedSession | Promise<ResolvedSession> => {
    const values = readCookies(cookieHeader, cookie.name);
    return values.length === 0 ? MISSING : resolveFrom(values, 0, false);
  };
  return {
    cookieName: cookie.name,
    clearSetCookie: clearCookie(cookie.name, cookieOptions),
    async create(identity, tokens, sid, elasticsearchRealm) {
      // A fresh random id for every sign-in: an id planted before sign-in can never become a session.
      const id = newSessionId();
      const createdAt = now();
      const record: SessionRecord = {
        version: 2,
        createdAt,
        expiresAt: createdAt + session.maxLifetimeMs,
        sid,
        identity,
        // Only the tokens something reads later (kept-tokens.ts); the realm's backend reads its access token.
        tokens: keptTokens(tokens, keepAccessToken || elasticsearchRealm !== undefined),
        ...(elasticsearchRealm !== undefined && { elasticsearchRealm }),
      };
      await store.set(id, record, session.idleTimeoutMs);
      // Indexes let a back-channel logout or "sign out everywhere" find the sessions on any replica.
      await store.addToIndex(subjectIndex(identity.sub, identity.provider), id, session.maxLifetimeMs);
      if (sid !== undefined) await store.addToIndex(providerSessionIndex(sid, identity.provider), id, session.maxLifetimeMs);
      const sealed = sealer.seal(Buffer.from(id), PURPOSE);
      const setCookie = serializeCookie(cookie.name, sealed, {
        ...cookieOptions,
        maxAgeSeconds: session.maxLifetimeMs / 1000,
      });
      return { id, setCookie };
    },
    async resolve(cookieHeader) {
      return resolveNow(cookieHeader);
    },
    resolveNow,
    async end(id) {
      await store.delete(id);
    },
    async endIndexed(index) {
      const ids = await store.takeIndex(index);
      let ended = 0;
      for (const id of ids) {
        if (await store.get(id, session.idleTimeoutMs)) ended += 1;
        await store.delete(id);
      }
      return ended;
    },
  };
}

/**
 * Server-side refresh of access tokens shortly before they expire, once per session however many
 * checks arrive at once on however many replicas: concurrent checks in one process share one
 * refresh, a store lock keeps other replicas out, and they reuse the refreshed tokens. The cookie
 * never changes. A refresh the provider refuses for good ends the session.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RefreshRejectedError, type IdentityProvider } from '../auth/identity-provider.ts';
import type { Logger } from '../observability/logger.ts';
import type { SessionRecord } from './session-record.ts';
import type { SessionStore } from './store.ts';

/** How a refresh ended, for gatehouse_token_refreshes_total. */
export type RefreshOutcome = 'success' | 'reused' | 'rejected' | 'error';

/** What ensureFresh answers. */
export type FreshSession = { readonly state: 'active'; readonly record: SessionRecord } | { readonly state: 'ended' };

/** Options of the refresher. */
export interface RefresherOptions {
  readonly store: SessionStore;
  /**
   * Where refresh tokens are exchanged: the OpenID Provider, Elasticsearch for sign-in through its
   * realm, or the provider each session signed in with when there are several.
   */
  readonly idp: Pick<IdentityProvider, 'refresh'> | ((record: SessionRecord) => Pick<IdentityProvider, 'refresh'>);
  readonly logger: Logger;
  readonly refreshBeforeExpiryMs: number;
  readonly idleTimeoutMs: number;
  readonly now: () => number;
  readonly onOutcome: (outcome: RefreshOutcome) => void;
  readonly onSessionEnded: (id: string, record: SessionRecord) => Promise<void>;
  /**
   * Whether refreshed access tokens are kept (kept-tokens.ts: when an upstream header sends them);
   * sessions of Elasticsearch's realm always keep theirs. Kept when not said.
   */
  readonly keepsAccessToken?: boolean;
}

const LOCK_MS = 15_000;
// Freshly refreshed tokens are used as they are for this long, even when a provider issues tokens
// shorter-lived than the refresh window: one refresh per grace period at most, never a storm.
const GRACE_MS = 10_000;
const WAIT_STEP_MS = 50;
const WAIT_STEPS = 200;
// After a failed refresh, checks in this process wait this long before trying again.
const RETRY_AFTER_MS = 5_000;

/** Creates the refresher. */
export function createTokenRefresher(options: RefresherOptions) {
  const { store, idp, logger, now } = options;
  const inFlight = new Map<string, Promise<FreshSession>>();
  const failedAt = new Map<string, number>();

  const isDue = (record: SessionRecord): boolean => {
    const { refreshToken, accessTokenExpiresAt } = record.tokens;
    if (refreshToken === undefined || accessTokenExpiresAt === undefined) return false;
    const t = now();
    if (record.refreshedAt !== undefined && t - record.refreshedAt < GRACE_MS) return false;
    return t >= accessTokenExpiresAt - options.refreshBeforeExpiryMs;
  };

  /** Another replica holds the lock: wait for its result in the store. */
  const awaitOtherReplica = async (id: string, seen: SessionRecord): Promise<FreshSession> => {
    for (let step = 0; step < WAIT_STEPS; step++) {
      await sleep(WAIT_STEP_MS);
      const current = await store.get(id, options.idleTimeoutMs);
      if (!current) return { state: 'ended' };
      if (current.refreshedAt !== seen.refreshedAt || !isDue(current)) return { state: 'active', record: current };
    }
    return { state: 'active', record: seen };
  };

  const refreshNow = async (id: string, seen: SessionRecord): Promise<FreshSession> => {
    const token = await store.lock(`refresh:${id}`, LOCK_MS);
    if (token === undefined) {
      options.onOutcome('reused');
      return awaitOtherReplica(id, seen);
    }
    try {
      // Re-read under the lock: another replica may have refreshed between our read and the lock.
      const current = await store.get(id, options.idleTimeoutMs);
      if (!current) return { state: 'ended' };
      if (!isDue(current)) {
        options.onOutcome('reused');
        return { state: 'active', record: current };
      }
      const refreshToken = current.tokens.refreshToken as string;
      try {
        const tokens = await (typeof idp === 'function' ? idp(current) : idp).refresh(refreshToken);
        const at = now();
        const record: SessionRecord = {
          ...current,
          refreshedAt: at,
          tokens: {
            idToken: tokens.idToken || current.tokens.idToken,
            accessToken: options.keepsAccessToken === false && current.elasticsearchRealm === undefined ? undefined : (tokens.accessToken ?? current.tokens.accessToken),
            refreshToken: tokens.refreshToken ?? refreshToken,
            accessTokenExpiresAt: tokens.expiresIn === undefined ? undefined : at + tokens.expiresIn * 1000,
          },
        };
        await store.set(id, record, options.idleTimeoutMs);
        failedAt.delete(id);
        options.onOutcome('success');
        return { state: 'active', record };
      } catch (err) {
        if (err instanceof RefreshRejectedError) {
          options.onOutcome('rejected');
          logger.info({ user: current.identity.user, err: err.message }, 'refresh token refused; session ended');
          await options.onSessionEnded(id, current);
          return { state: 'ended' };
        }
        options.onOutcome('error');
        if (failedAt.size >= 10_000) failedAt.clear();
        failedAt.set(id, now());
        logger.warn({ user: current.identity.user, err: (err as Error).message }, 'token refresh failed; will retry');
        return { state: 'active', record: current };
      }
    } finally {
      await store.unlock(`refresh:${id}`, token).catch(() => undefined);
    }
  };

  return {
    /**
     * Returns the session with tokens that are not about to expire, refreshing them when due.
     * When the provider cannot be reached the current tokens are kept and the check goes on.
     */
    ensureFresh(id: string, record: SessionRecord): FreshSession | Promise<FreshSession> {
      if (!isDue(record)) return { state: 'active', record };
      const failed = failedAt.get(id);
      if (failed !== undefined && now() - failed < RETRY_AFTER_MS) return { state: 'active', record };
      let pending = inFlight.get(id);
      if (!pending) {
        pending = refreshNow(id, record).finally(() => inFlight.delete(id));
        inFlight.set(id, pending);
      }
      return pending;
    },
  };
}

/** The refresher's operations. */
export type TokenRefresher = ReturnType<typeof createTokenRefresher>;

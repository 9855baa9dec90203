/**
 * The session source (the login provider's): the browser's session cookie, one store read, and a
 * server-side refresh when the access token is due.
 */
import type { Identified } from '../identified.ts';
import type { AppDeps } from '../../deps.ts';
import { readCookies } from '../../http/cookies.ts';
import { REASONS } from '../../policy/reasons.ts';
import { StoreUnavailableError } from '../../session/store.ts';
import type { IdentitySource } from '../identity-source.ts';

const UNAUTHENTICATED = {
  missing: REASONS.sessionMissing,
  invalid: REASONS.sessionInvalid,
  expired: REASONS.sessionExpired,
} as const;

/** Creates the session source. */
export function createSessionSource(deps: Pick<AppDeps, 'sessions' | 'refresher'>): IdentitySource {
  const { sessions, refresher } = deps;
  const identify = async (req: import('node:http').IncomingMessage): Promise<Identified> => {
    try {
      const resolved = await sessions.resolve(req.headers.cookie);
      if (resolved.state !== 'active') return { state: 'unauthenticated', reason: UNAUTHENTICATED[resolved.state] };
      // Not due: answered synchronously, no extra await on the hot path.
      let fresh = refresher.ensureFresh(resolved.id, resolved.record);
      if (fresh instanceof Promise) fresh = await fresh;
      if (fresh.state !== 'active') return { state: 'unauthenticated', reason: REASONS.sessionExpired };
      return { state: 'identified', source: 'session', identity: fresh.record.identity, record: fresh.record };
    } catch (err) {
      const unavailable = err instanceof StoreUnavailableError;
      return {
        state: 'failed',
        status: unavailable ? 503 : 500,
        reason: unavailable ? REASONS.storeUnavailable : REASONS.internalError,
        err,
      };
    }
  };
  return {
    name: 'session',
    explicit: false,
    missing: REASONS.sessionMissing,
    present: (req) => readCookies(req.headers.cookie, sessions.cookieName).length > 0,
    identify,
  };
}

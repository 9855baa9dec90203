/**
 * The session source (the login provider's): the browser's session cookie, one store read, and a
 * server-side refresh when the access token is due.
 */
import type { Identified } from '../identified.ts';
import type { AppDeps } from '../../deps.ts';
import { readCookies } from '../../http/cookies.ts';
import { REASONS } from '../../policy/reasons.ts';
import type { ResolvedSession } from '../../session/sessions.ts';
import { StoreUnavailableError } from '../../session/store.ts';
import type { FreshSession } from '../../session/token-refresher.ts';
import type { IdentitySource } from '../identity-source.ts';

const UNAUTHENTICATED = {
  missing: REASONS.sessionMissing,
  invalid: REASONS.sessionInvalid,
  expired: REASONS.sessionExpired,
} as const;

/** Creates the session source. */
export function createSessionSource(deps: Pick<AppDeps, 'sessions' | 'refresher'>): IdentitySource {
  const { sessions, refresher } = deps;
  const failed = (err: unknown): Identified => {
    const unavailable = err instanceof StoreUnavailableError;
    return { state: 'failed', status: unavailable ? 503 : 500, reason: unavailable ? REASONS.storeUnavailable : REASONS.internalError, err };
  };
  const fromFresh = (fresh: FreshSession): Identified =>
    fresh.state === 'active' ? { state: 'identified', source: 'session', identity: fresh.record.identity, record: fresh.record } : { state: 'unauthenticated', reason: REASONS.sessionExpired };
  const fromResolved = (resolved: ResolvedSession): Identified | Promise<Identified> => {
    if (resolved.state !== 'active') return { state: 'unauthenticated', reason: UNAUTHENTICATED[resolved.state] };
    // Not due: answered synchronously.
    const fresh = refresher.ensureFresh(resolved.id, resolved.record);
    return fresh instanceof Promise ? fresh.then(fromFresh) : fromFresh(fresh);
  };
  // Synchronous when the store reads so (the memory store): no promise on the hot path.
  const identify = (req: import('node:http').IncomingMessage): Identified | Promise<Identified> => {
    try {
      const resolved = sessions.resolveNow(req.headers.cookie);
      const identified = resolved instanceof Promise ? resolved.then(fromResolved) : fromResolved(resolved);
      return identified instanceof Promise ? identified.catch(failed) : identified;
    } catch (err) {
      return failed(err);
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

/**
 * The login provider's identity source: the browser's session cookie, one store read, and a
 * server-side refresh when the access token is due.
 */
import type { AppDeps } from '../../deps.ts';
import { REASONS } from '../../policy/reasons.ts';
import { StoreUnavailableError } from '../../session/store.ts';
import type { Identified, RequestIdentifier } from './identified.ts';

const UNAUTHENTICATED = {
  missing: REASONS.sessionMissing,
  invalid: REASONS.sessionInvalid,
  expired: REASONS.sessionExpired,
} as const;

/** Creates the session identifier. */
export function createSessionIdentifier(deps: Pick<AppDeps, 'sessions' | 'refresher'>): RequestIdentifier {
  const { sessions, refresher } = deps;
  return async (req): Promise<Identified> => {
    try {
      const resolved = await sessions.resolve(req.headers.cookie);
      if (resolved.state !== 'active') return { state: 'unauthenticated', reason: UNAUTHENTICATED[resolved.state] };
      // Not due: answered synchronously, no extra await on the hot path.
      let fresh = refresher.ensureFresh(resolved.id, resolved.record);
      if (fresh instanceof Promise) fresh = await fresh;
      if (fresh.state !== 'active') return { state: 'unauthenticated', reason: REASONS.sessionExpired };
      return { state: 'identified', identity: fresh.record.identity, record: fresh.record };
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
}

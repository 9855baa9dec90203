/**
 * POST /oauth2/backchannel_logout — OIDC Back-Channel Logout 1.0: the provider posts a signed
 * logout token; every session it names (by sid, else by sub) ends on every replica through the
 * shared store. Answers 200, or 400 with an error as the specification asks (§2.8).
 */
import type { Request, Response } from 'express';
import type { AppDeps } from '../deps.ts';
import { auditContext } from '../observability/audit-context.ts';

const JTI_MEMORY_MS = 20 * 60_000;

/** Creates the handler; the body must already be parsed as application/x-www-form-urlencoded. */
export function createBackchannelLogoutRoute(deps: AppDeps) {
  const { idp, store, sessions, metrics, logger } = deps;
  const refuse = (req: Request, res: Response, reason: string, description: string): void => {
    deps.audit.record({ event: 'backchannel_logout', outcome: 'failure', reason, ...auditContext(req, res.locals.requestId) });
    res.status(400).json({ error: 'invalid_request', error_description: description });
  };

  return async (req: Request, res: Response): Promise<void> => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = body.logout_token;
    if (typeof token !== 'string') return refuse(req, res, 'token_missing', 'logout_token is required (application/x-www-form-urlencoded)');
    let target;
    try {
      target = await idp.verifyLogoutToken(token);
    } catch (err) {
      logger.warn({ err: (err as Error).message, requestId: res.locals.requestId }, 'back-channel logout token refused');
      return refuse(req, res, 'token_invalid', `logout_token is invalid: ${(err as Error).message}`.slice(0, 300));
    }
    if (!(await store.claim(`jti:${target.iss}:${target.jti}`, JTI_MEMORY_MS))) {
      logger.warn({ jti: target.jti }, 'back-channel logout token replayed');
      return refuse(req, res, 'token_replayed', 'logout_token was already used (jti replayed)');
    }
    const ended = target.sid ? await sessions.endIndexed(`sid:${target.sid}`) : await sessions.endIndexed(`sub:${target.sub}`);
    metrics.sessionsRevoked.inc({ reason: 'backchannel_logout' }, ended);
    logger.info({ sid: target.sid, sub: target.sub, ended }, 'back-channel logout');
    deps.audit.record({ event: 'backchannel_logout', outcome: 'success', sub: target.sub, sessionsEnded: ended, ...auditContext(req, res.locals.requestId) });
    res.status(200).end();
  };
}

/**
 * POST /oauth2/backchannel_logout — OIDC Back-Channel Logout 1.0: the provider posts a signed
 * logout token; every session it names (by sid, else by sub) ends on every replica through the
 * shared store. Answers 200, or 400 with an error as the specification asks (§2.8). With several
 * providers, the token is checked by the provider its `iss` names, and ends only sessions that
 * signed in with that provider: one provider can never log out another's users.
 */
import type { Request, Response } from 'express';
import { decodeJwt } from 'jose';
import type { LogoutTarget } from '../auth/identity-provider.ts';
import { singleProviderSet, type SignInProvider } from '../auth/provider-set.ts';
import { DEFAULT_PROVIDER_ID } from '../config/providers-section.ts';
import type { AppDeps } from '../deps.ts';
import { auditContext } from '../observability/audit-context.ts';
import { providerSessionIndex, subjectIndex } from '../session/session-indexes.ts';

const JTI_MEMORY_MS = 20 * 60_000;

/** The token's unverified `iss`, only to pick who verifies it; undefined when it cannot be read. */
function unverifiedIssuer(token: string): string | undefined {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the handler; the body must already be parsed as application/x-www-form-urlencoded. */
export function createBackchannelLogoutRoute(deps: AppDeps) {
  const { store, sessions, metrics, logger } = deps;
  const providers = deps.providers ?? singleProviderSet(deps.idp, true);
  /** The providers that may have issued a token from `iss`; the first one when none claims it, for its error. */
  const verifiersOf = (iss: string | undefined): readonly SignInProvider[] => {
    const named = providers.signIn.filter((provider) => provider.idp.endpoints()?.issuer === iss);
    return named.length > 0 ? named : providers.signIn.slice(0, 1);
  };
  const refuse = (req: Request, res: Response, reason: string, description: string): void => {
    deps.audit.record({ event: 'backchannel_logout', outcome: 'failure', reason, ...auditContext(req, res.locals.requestId) });
    res.status(400).json({ error: 'invalid_request', error_description: description });
  };

  return async (req: Request, res: Response): Promise<void> => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = body.logout_token;
    if (typeof token !== 'string') return refuse(req, res, 'token_missing', 'logout_token is required (application/x-www-form-urlencoded)');
    let target: LogoutTarget | undefined;
    let providerId: string | undefined;
    let failure: unknown = new Error('no provider can check it');
    // Two clients of one issuer are two providers: the token's audience decides which.
    for (const provider of verifiersOf(unverifiedIssuer(token))) {
      try {
        target = await provider.idp.verifyLogoutToken(token);
        providerId = provider.id === DEFAULT_PROVIDER_ID ? undefined : provider.id;
        break;
      } catch (err) {
        failure = err;
      }
    }
    if (target === undefined) {
      logger.warn({ err: (failure as Error).message, requestId: res.locals.requestId }, 'back-channel logout token refused');
      return refuse(req, res, 'token_invalid', `logout_token is invalid: ${(failure as Error).message}`.slice(0, 300));
    }
    if (!(await store.claim(`jti:${target.iss}:${target.jti}`, JTI_MEMORY_MS))) {
      logger.warn({ jti: target.jti }, 'back-channel logout token replayed');
      return refuse(req, res, 'token_replayed', 'logout_token was already used (jti replayed)');
    }
    const ended = target.sid
      ? await sessions.endIndexed(providerSessionIndex(target.sid, providerId))
      : await sessions.endIndexed(subjectIndex(target.sub as string, providerId));
    metrics.sessionsRevoked.inc({ reason: 'backchannel_logout' }, ended);
    logger.info({ sid: target.sid, sub: target.sub, provider: providerId ?? DEFAULT_PROVIDER_ID, ended }, 'back-channel logout');
    deps.audit.record({ event: 'backchannel_logout', outcome: 'success', sub: target.sub, sessionsEnded: ended, ...auditContext(req, res.locals.requestId) });
    res.status(200).end();
  };
}

/**
 * GET /oauth2/sign_out when browser sign-in goes through Elasticsearch's OpenID Connect realm:
 * the session ends here first (with `everywhere=true`, every session of the user on every
 * replica), then `_security/oidc/logout` invalidates its Elasticsearch access and refresh tokens
 * and, when the realm is set up for single logout (`op.endsession_endpoint`), names the provider's
 * end-session URL, which the browser follows; the provider then sends it to the realm's
 * `rp.post_logout_redirect_uri` (gatehouse's /oauth2/signed_out, say). Without that URL the
 * browser goes to rd, or to the signed-out page.
 */
import type { Request, Response } from 'express';
import { validateRedirect } from '../auth/redirect.ts';
import type { RealmBackend } from '../backends/elasticsearch-oidc/realm-backend.ts';
import type { AppDeps } from '../deps.ts';
import { ROUTES } from '../http/routes.ts';
import { auditContext } from '../observability/audit-context.ts';
import { firstQueryValue } from './query.ts';

/** Creates the sign-out handler of sign-in through `realm`. */
export function createRealmSignOutRoute(deps: AppDeps, realm: RealmBackend) {
  const { config, sessions, logger } = deps;

  return async (req: Request, res: Response): Promise<void> => {
    const given = firstQueryValue(req, 'rd');
    const rd = given === undefined ? undefined : validateRedirect(given, config.allowedRedirectDomains);
    const resolved = await sessions.resolve(req.headers.cookie);
    res.append('Set-Cookie', sessions.clearSetCookie);
    if (resolved.state !== 'active') {
      res.redirect(302, rd ?? ROUTES.signedOut);
      return;
    }
    const { record } = resolved;
    await sessions.end(resolved.id);
    const everywhere = /^(1|true|yes)$/i.test(firstQueryValue(req, 'everywhere') ?? '');
    const others = everywhere ? await sessions.endIndexed(`sub:${record.identity.sub}`) : 0;
    if (everywhere) deps.metrics.sessionsRevoked.inc({ reason: 'sign_out_everywhere' }, others);
    logger.info({ user: record.identity.user, everywhere, others, requestId: res.locals.requestId }, 'signed out');
    const { user, sub } = record.identity;
    deps.audit.record({ event: 'sign_out', outcome: 'success', user, sub, everywhere, sessionsEnded: 1 + others, ...auditContext(req, res.locals.requestId) });
    let endSession: URL | undefined;
    const { accessToken, refreshToken } = record.tokens;
    if (record.elasticsearchRealm !== undefined && accessToken !== undefined) {
      try {
        endSession = await realm.api.logout(accessToken, refreshToken);
      } catch (err) {
        // Signed out here all the same: the tokens were only in the ended session, and run out by themselves.
        logger.warn({ user: record.identity.user, err: (err as Error).message, requestId: res.locals.requestId }, 'Elasticsearch logout failed');
      }
    }
    res.redirect(302, endSession?.href ?? rd ?? ROUTES.signedOut);
  };
}

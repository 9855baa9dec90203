/**
 * GET /oauth2/sign_out ends the session on the server (with `everywhere=true`, every session of
 * the user on every replica) and clears the cookie, then goes through
 * the provider's RP-initiated logout when it offers one; GET /oauth2/signed_out is where the
 * provider sends the browser back, carrying the sealed rd in `state`. Without an rd the person
 * lands on the signed-out page, which says so and offers to sign in again, rather than on a page
 * that would send them straight back to the provider's sign-in form.
 */
import type { Request, Response } from 'express';
import { createCallbackUrls } from '../auth/callback-url.ts';
import { singleProviderSet } from '../auth/provider-set.ts';
import { validateRedirect } from '../auth/redirect.ts';
import type { LoginSettings } from '../config/config.ts';
import type { AppDeps } from '../deps.ts';
import { renderPage } from '../http/html-page.ts';
import { ROUTES } from '../http/routes.ts';
import { auditContext } from '../observability/audit-context.ts';
import { subjectIndex } from '../session/session-indexes.ts';
import { firstQueryValue } from './query.ts';

const PURPOSE = 'sign-out';
const STATE_LIFETIME_MS = 10 * 60_000;

/** Creates the sign-out handlers. */
export function createSignOutRoutes(deps: AppDeps, _login: LoginSettings) {
  const { config, sessions, sealer, logger } = deps;
  const providers = deps.providers ?? singleProviderSet(deps.idp, true);
  const callbacks = createCallbackUrls(config);
  const safe = (rd: unknown): string => validateRedirect(rd, config.allowedRedirectDomains);

  return {
    async signOut(req: Request, res: Response): Promise<void> {
      const given = firstQueryValue(req, 'rd');
      const rd = given === undefined ? undefined : safe(given);
      const resolved = await sessions.resolve(req.headers.cookie);
      res.append('Set-Cookie', sessions.clearSetCookie);
      if (resolved.state !== 'active') {
        res.redirect(302, rd ?? ROUTES.signedOut);
        return;
      }
      await sessions.end(resolved.id);
      const everywhere = /^(1|true|yes)$/i.test(firstQueryValue(req, 'everywhere') ?? '');
      const { identity } = resolved.record;
      const others = everywhere ? await sessions.endIndexed(subjectIndex(identity.sub, identity.provider)) : 0;
      if (everywhere) deps.metrics.sessionsRevoked.inc({ reason: 'sign_out_everywhere' }, others);
      logger.info({ user: resolved.record.identity.user, everywhere, others, requestId: res.locals.requestId }, 'signed out');
      const { user, sub } = resolved.record.identity;
      deps.audit.record({ event: 'sign_out', outcome: 'success', user, sub, everywhere, sessionsEnded: 1 + others, ...auditContext(req, res.locals.requestId) });
      const state = sealer.seal(Buffer.from(JSON.stringify({ rd, exp: deps.now() + STATE_LIFETIME_MS })), PURPOSE);
      // The provider the session signed in with; with callbacks per host, back to this host.
      const postLogoutRedirectUri = callbacks.postLogout(req.headers.host);
      const endSession = postLogoutRedirectUri === undefined
        ? undefined
        : providers.of(identity.provider).endSessionUrl({ idTokenHint: resolved.record.tokens.idToken, postLogoutRedirectUri, state });
      res.redirect(302, endSession ? endSession.href : (rd ?? ROUTES.signedOut));
    },

    signedOut(req: Request, res: Response): void {
      let rd: string | undefined;
      const state = firstQueryValue(req, 'state');
      const opened = state ? sealer.unseal(state, PURPOSE) : undefined;
      if (opened) {
        try {
          const parsed = JSON.parse(opened.toString()) as { rd?: unknown; exp?: unknown };
          if (typeof parsed.exp === 'number' && parsed.exp > deps.now() && parsed.rd !== undefined) rd = safe(parsed.rd);
        } catch {
          rd = undefined;
        }
      }
      res.append('Set-Cookie', sessions.clearSetCookie);
      if (rd !== undefined) {
        res.redirect(302, rd);
        return;
      }
      res.type('html').send(
        renderPage('You are signed out', ['You have signed out of gatehouse in this browser.'], String(res.locals.requestId ?? ''), [
          { text: 'Sign in again', href: ROUTES.start, id: 'sign-in' },
        ]),
      );
    },
  };
}

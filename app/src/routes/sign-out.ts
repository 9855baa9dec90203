/**
 * GET /oauth2/sign_out ends the session on the server (with `everywhere=true`, every session of
 * the user on every replica) and clears the cookie, then goes through
 * the provider's RP-initiated logout when it offers one; GET /oauth2/signed_out is where the
 * provider sends the browser back, carrying the sealed rd in `state`.
 */
import type { Request, Response } from 'express';
import { validateRedirect } from '../auth/redirect.ts';
import type { LoginSettings } from '../config/config.ts';
import type { AppDeps } from '../deps.ts';
import { firstQueryValue } from './query.ts';

const PURPOSE = 'sign-out';
const STATE_LIFETIME_MS = 10 * 60_000;

/** Creates the sign-out handlers. */
export function createSignOutRoutes(deps: AppDeps, login: LoginSettings) {
  const { config, sessions, sealer, idp, logger } = deps;
  const safe = (rd: unknown): string => validateRedirect(rd, config.allowedRedirectDomains);

  return {
    async signOut(req: Request, res: Response): Promise<void> {
      const rd = safe(firstQueryValue(req, 'rd'));
      const resolved = await sessions.resolve(req.headers.cookie);
      res.append('Set-Cookie', sessions.clearSetCookie);
      if (resolved.state !== 'active') {
        res.redirect(302, rd);
        return;
      }
      await sessions.end(resolved.id);
      const everywhere = /^(1|true|yes)$/i.test(firstQueryValue(req, 'everywhere') ?? '');
      const others = everywhere ? await sessions.endIndexed(`sub:${resolved.record.identity.sub}`) : 0;
      if (everywhere) deps.metrics.sessionsRevoked.inc({ reason: 'sign_out_everywhere' }, others);
      logger.info({ user: resolved.record.identity.user, everywhere, others, requestId: res.locals.requestId }, 'signed out');
      const state = sealer.seal(Buffer.from(JSON.stringify({ rd, exp: deps.now() + STATE_LIFETIME_MS })), PURPOSE);
      const endSession = idp.endSessionUrl({
        idTokenHint: resolved.record.tokens.idToken,
        postLogoutRedirectUri: login.postLogoutRedirectUrl.href,
        state,
      });
      res.redirect(302, endSession ? endSession.href : rd);
    },

    signedOut(req: Request, res: Response): void {
      let rd = '/';
      const state = firstQueryValue(req, 'state');
      const opened = state ? sealer.unseal(state, PURPOSE) : undefined;
      if (opened) {
        try {
          const parsed = JSON.parse(opened.toString()) as { rd?: unknown; exp?: unknown };
          if (typeof parsed.exp === 'number' && parsed.exp > deps.now()) rd = safe(parsed.rd);
        } catch {
          rd = '/';
        }
      }
      res.append('Set-Cookie', sessions.clearSetCookie).redirect(302, rd);
    },
  };
}

/**
 * GET /oauth2/start (the auth-signin target) and GET /oauth2/callback: the authorization-code
 * flow with PKCE S256, state and nonce, ending in a new session and a redirect to the validated rd.
 */
import type { Request, Response } from 'express';
import { createLoginState } from '../auth/login-state.ts';
import { validateRedirect } from '../auth/redirect.ts';
import type { LoginSettings } from '../config/config.ts';
import type { AppDeps } from '../deps.ts';
import { AppError, toAppError } from '../errors.ts';
import { identityFromClaims } from '../identity/identity-from-claims.ts';
import { auditContext } from '../observability/audit-context.ts';
import { providerError } from './provider-error.ts';
import { firstQueryValue, rawQueryOf } from './query.ts';

/** Creates the start and callback handlers. */
export function createSignInRoutes(deps: AppDeps, login: LoginSettings) {
  const { config, idp, sessions, metrics, logger } = deps;
  const loginState = createLoginState(deps.store, deps.sealer, {
    cookieName: config.cookie.name,
    domain: config.cookie.domain,
    secure: config.cookie.secure,
    timeoutMs: config.session.loginTimeoutMs,
    now: deps.now,
  });

  const failed = (req: Request, res: Response, reason: string): void => {
    metrics.logins.inc({ stage: 'failed', reason });
    deps.audit.record({ event: 'sign_in', outcome: 'failure', reason, ...auditContext(req, res.locals.requestId) });
  };

  return {
    async start(req: Request, res: Response): Promise<void> {
      const rd = validateRedirect(firstQueryValue(req, 'rd'), config.allowedRedirectDomains);
      if (!idp.isReady()) {
        failed(req, res, 'idp-unavailable');
        throw new AppError('IDP_UNAVAILABLE', 'sign-in started before discovery loaded', {
          detail: 'The identity provider cannot be reached right now. Please try again shortly.',
        });
      }
      const started = await loginState.begin(rd);
      const url = idp.authorizationUrl({
        state: started.checks.state,
        nonce: started.checks.nonce,
        codeChallenge: started.codeChallenge,
      });
      metrics.logins.inc({ stage: 'started', reason: '' });
      res.append('Set-Cookie', started.setCookie).redirect(302, url.href);
    },

    async callback(req: Request, res: Response): Promise<void> {
      const state = firstQueryValue(req, 'state');
      const clearLogin = loginState.clearFor(state);
      if (clearLogin) res.append('Set-Cookie', clearLogin);
      const idpError = providerError(req);
      if (idpError) {
        failed(req, res, 'idp-error');
        throw idpError;
      }
      let returned;
      try {
        returned = await loginState.complete(state, req.headers.cookie);
      } catch (err) {
        failed(req, res, 'state-unknown');
        throw err;
      }
      // Rebuild the callback URL from configuration, never from the request's Host header.
      const callbackUrl = new URL(login.redirectUrl.href);
      callbackUrl.search = rawQueryOf(req);
      let tokens;
      try {
        tokens = await idp.exchangeCode(callbackUrl, returned.checks);
      } catch (err) {
        const error = toAppError(err);
        failed(req, res, error.code === 'LOGIN_TOKEN_INVALID' ? 'token-invalid' : 'exchange-failed');
        throw error;
      }
      const sub = String(tokens.claims.sub);
      const accessToken = tokens.accessToken;
      const mapped = await identityFromClaims(deps.identity.current().claims, tokens.claims, async () =>
        accessToken === undefined ? undefined : idp.fetchUserinfo(accessToken, sub),
      );
      if (!mapped.ok) {
        failed(req, res, 'no-principal');
        throw new AppError('LOGIN_NO_PRINCIPAL', `no principal: ${mapped.problems.join('; ')}`, {
          detail: 'Your identity provider did not send a user name this service accepts. Ask its administrator to check the claims mapping.',
        });
      }
      const { identity } = mapped;
      // Sign-in always starts a new session; any session this browser held before is ended.
      const previous = await sessions.resolve(req.headers.cookie).catch(() => undefined);
      if (previous?.state === 'active') await sessions.end(previous.id);
      const sid = typeof tokens.claims.sid === 'string' ? tokens.claims.sid : undefined;
      const { setCookie } = await sessions.create(
        identity,
        {
          idToken: tokens.idToken,
          accessToken: tokens.accessToken,
          refreshToken: tokens.refreshToken,
          accessTokenExpiresAt: tokens.expiresIn === undefined ? undefined : deps.now() + tokens.expiresIn * 1000,
        },
        sid,
      );
      metrics.logins.inc({ stage: 'succeeded', reason: '' });
      deps.audit.record({ event: 'sign_in', outcome: 'success', user: identity.user, sub: identity.sub, ...auditContext(req, res.locals.requestId) });
      logger.info({ user: identity.user, requestId: res.locals.requestId }, 'signed in');
      res.append('Set-Cookie', setCookie).redirect(302, validateRedirect(returned.rd, config.allowedRedirectDomains));
    },
  };
}

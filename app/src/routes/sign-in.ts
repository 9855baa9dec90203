/**
 * GET /oauth2/start (the auth-signin target) and GET /oauth2/callback: the authorization-code
 * flow with PKCE S256, state and nonce, ending in a new session and a redirect to the validated rd.
 * With several providers, start goes to the one chosen by `provider=`, the host or the person
 * (choose-provider.ts), and the callback is accepted only from the provider that sign-in went to.
 */
import type { Request, Response } from 'express';
import { createCallbackUrls } from '../auth/callback-url.ts';
import { chooseProvider, hostOfRedirect } from '../auth/choose-provider.ts';
import { checkAuthorizationIssuer } from '../auth/mix-up.ts';
import { createLoginState } from '../auth/login-state.ts';
import { singleProviderSet } from '../auth/provider-set.ts';
import { validateRedirect } from '../auth/redirect.ts';
import { DEFAULT_PROVIDER_ID } from '../config/providers-section.ts';
import type { LoginSettings } from '../config/config.ts';
import type { AppDeps } from '../deps.ts';
import { AppError, toAppError } from '../errors.ts';
import { identityFromClaims } from '../identity/identity-from-claims.ts';
import { auditContext } from '../observability/audit-context.ts';
import { providerError } from './provider-error.ts';
import { renderProviderChooser } from './provider-chooser.ts';
import { firstQueryValue, rawQueryOf } from './query.ts';

/** Creates the start and callback handlers. */
export function createSignInRoutes(deps: AppDeps, login: LoginSettings) {
  const { config, sessions, metrics, logger } = deps;
  const providers = deps.providers ?? singleProviderSet(deps.idp, true);
  const callbacks = createCallbackUrls(config);
  const loginState = createLoginState(deps.store, deps.sealer, {
    cookieName: config.cookie.name,
    domain: config.cookie.domain,
    secure: config.cookie.secure,
    timeoutMs: config.session.loginTimeoutMs,
    now: deps.now,
    maxPerBrowser: config.signInLimits.maxPendingPerBrowser,
    pending: deps.signInLimits.pending,
  });

  const failed = (req: Request, res: Response, reason: string): void => {
    metrics.logins.inc({ stage: 'failed', reason });
    deps.audit.record({ event: 'sign_in', outcome: 'failure', reason, ...auditContext(req, res.locals.requestId) });
  };

  return {
    async start(req: Request, res: Response): Promise<void> {
      const rd = validateRedirect(firstQueryValue(req, 'rd'), config.allowedRedirectDomains);
      // An unlisted host is refused before anything else: no chooser, no state, no provider.
      const redirectUri = callbacks.forSignIn(req.headers.host);
      const choice = chooseProvider(providers, firstQueryValue(req, 'provider'), [hostOfRedirect(rd), req.headers.host]);
      if (choice.kind === 'ask') {
        res.status(200).type('html').send(renderProviderChooser(providers.signIn, rd, res.locals.requestId));
        return;
      }
      const { id, idp } = choice.provider;
      if (!idp.isReady()) {
        failed(req, res, 'idp-unavailable');
        throw new AppError('IDP_UNAVAILABLE', 'sign-in started before discovery loaded', {
          detail: 'The identity provider cannot be reached right now. Please try again shortly.',
        });
      }
      const started = await loginState.begin(rd, { provider: id === DEFAULT_PROVIDER_ID ? undefined : id, redirectUri }, req.headers.cookie);
      const url = idp.authorizationUrl({
        state: started.checks.state,
        nonce: started.checks.nonce,
        codeChallenge: started.codeChallenge,
        redirectUri,
      });
      metrics.logins.inc({ stage: 'started', reason: '' });
      res.append('Set-Cookie', [...started.setCookies]).redirect(302, url.href);
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
      const started = providers.byId(returned.target.provider ?? DEFAULT_PROVIDER_ID);
      if (!started) {
        failed(req, res, 'state-unknown');
        throw new AppError('LOGIN_STATE_UNKNOWN', `sign-in state names a provider no longer configured: ${returned.target.provider}`, {
          detail: 'This sign-in was started with an identity provider this service no longer offers. Please start again.',
        });
      }
      const { idp } = started;
      try {
        checkAuthorizationIssuer(idp.endpoints(), firstQueryValue(req, 'iss'));
      } catch (err) {
        failed(req, res, 'provider-mismatch');
        logger.warn({ provider: started.id, requestId: res.locals.requestId, err: (err as Error).message }, 'callback refused: not from the provider the sign-in went to');
        throw err;
      }
      // The exact redirect_uri of the authorization request: the configured one, or the one derived
      // from the host and sealed in the sign-in state; never the callback request's Host header.
      const redirectUri = returned.target.redirectUri ?? login.redirectUrl?.href;
      if (redirectUri === undefined) {
        failed(req, res, 'state-unknown');
        throw new AppError('LOGIN_STATE_UNKNOWN', 'sign-in state has no callback and GATEHOUSE_REDIRECT_URL is not set');
      }
      const callbackUrl = new URL(redirectUri);
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
      const current = deps.identity.current();
      const claimsConfig = (returned.target.provider && current.providers.get(returned.target.provider)?.claims) || current.claims;
      const mapped = await identityFromClaims(claimsConfig, tokens.claims, async () =>
        accessToken === undefined ? undefined : idp.fetchUserinfo(accessToken, sub),
      );
      if (!mapped.ok) {
        failed(req, res, 'no-principal');
        throw new AppError('LOGIN_NO_PRINCIPAL', `no principal: ${mapped.problems.join('; ')}`, {
          detail: 'Your identity provider did not send a user name this service accepts. Ask its administrator to check the claims mapping.',
        });
      }
      const identity = returned.target.provider === undefined ? mapped.identity : { ...mapped.identity, provider: returned.target.provider };
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
      logger.info({ user: identity.user, provider: started.id, requestId: res.locals.requestId }, 'signed in');
      res.append('Set-Cookie', setCookie).redirect(302, validateRedirect(returned.rd, config.allowedRedirectDomains));
    },
  };
}

/**
 * GET /oauth2/start and /oauth2/callback when browser sign-in goes through Elasticsearch's OpenID
 * Connect realm, gatehouse being the facilitator of Elastic's "OpenID Connect without Kibana":
 * start asks `_security/oidc/prepare` for the provider's authorization URL, binds the state and
 * nonce Elasticsearch made to this browser exactly as gatehouse binds its own (a sealed cookie
 * named after the state and a one-time marker in the store) and sends the browser there; the
 * callback hands the URL the provider sent the browser back to, with that state and nonce, to
 * `_security/oidc/authenticate`, which exchanges the code, validates the ID token and answers with
 * Elasticsearch's access and refresh tokens and who signed in. Gatehouse never sees the
 * provider's tokens. The session keeps Elasticsearch's tokens in the store; the cookie holds only
 * the sealed session id.
 */
import type { Request, Response } from 'express';
import { createLoginState } from '../auth/login-state.ts';
import { validateRedirect } from '../auth/redirect.ts';
import { BackendUnavailableError } from '../backends/errors.ts';
import type { RealmBackend } from '../backends/elasticsearch-oidc/realm-backend.ts';
import { RealmRefusedError } from '../backends/elasticsearch-oidc/realm-errors.ts';
import { identityFromAuthentication } from '../backends/elasticsearch-oidc/realm-identity.ts';
import type { LoginSettings } from '../config/config.ts';
import type { AppDeps } from '../deps.ts';
import { AppError, toAppError } from '../errors.ts';
import { auditContext } from '../observability/audit-context.ts';
import { providerError } from './provider-error.ts';
import { firstQueryValue, rawQueryOf } from './query.ts';

/** Creates the start and callback handlers of sign-in through `realm`. */
export function createRealmSignInRoutes(deps: AppDeps, login: LoginSettings, realm: RealmBackend) {
  const { config, sessions, metrics, logger } = deps;
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

  /** Elasticsearch's refusal or absence as the sign-in failure page's stable code. */
  const signInFailure = (err: unknown, req: Request, res: Response): AppError => {
    if (err instanceof RealmRefusedError) {
      failed(req, res, 'elasticsearch-refused');
      logger.warn({ operation: err.operation, status: err.status, reason: err.reason, requestId: res.locals.requestId }, 'Elasticsearch refused the sign-in');
      const detail = err.facilitatorRefused
        ? 'Elasticsearch did not accept this service\'s own account (its credentials or its manage_oidc privilege). Ask the administrator to check them.'
        : 'Elasticsearch did not accept this sign-in. Please start again; if it keeps failing, ask the administrator to check the realm\'s settings.';
      return new AppError('LOGIN_ELASTICSEARCH_REFUSED', err.message, { detail: `${detail} (error code: login_elasticsearch_refused)` });
    }
    if (err instanceof BackendUnavailableError) {
      failed(req, res, 'elasticsearch-unavailable');
      return new AppError('ELASTICSEARCH_UNAVAILABLE', err.message, {
        detail: 'Elasticsearch, which signs you in here, cannot be reached right now. Please try again shortly. (error code: elasticsearch_unavailable)',
      });
    }
    return toAppError(err);
  };

  return {
    async start(req: Request, res: Response): Promise<void> {
      const rd = validateRedirect(firstQueryValue(req, 'rd'), config.allowedRedirectDomains);
      let prepared;
      try {
        prepared = await realm.api.prepare(realm.settings);
      } catch (err) {
        throw signInFailure(err, req, res);
      }
      const setCookies = await loginState.adopt(prepared, rd, req.headers.cookie);
      metrics.logins.inc({ stage: 'started', reason: '' });
      res.append('Set-Cookie', setCookies).redirect(302, prepared.redirect.href);
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
        if (returned.realm === undefined) throw new AppError('LOGIN_STATE_UNKNOWN', 'sign-in state rejected: not prepared by Elasticsearch');
      } catch (err) {
        failed(req, res, 'state-unknown');
        throw err;
      }
      // The URL the provider sent the browser to, rebuilt from configuration (the realm's
      // rp.redirect_uri), never from the request's Host header; Elasticsearch reads code and state from it.
      // The realm's settings require GATEHOUSE_REDIRECT_URL: its rp.redirect_uri is one fixed URL.
      const callbackUrl = new URL((login.redirectUrl as URL).href);
      callbackUrl.search = rawQueryOf(req);
      let signedIn;
      try {
        signedIn = await realm.api.authenticate(callbackUrl.href, returned.checks.state, returned.checks.nonce, returned.realm);
      } catch (err) {
        throw signInFailure(err, req, res);
      }
      const mapped = identityFromAuthentication(signedIn.authentication);
      if (!mapped.ok) {
        failed(req, res, 'no-principal');
        await realm.api.logout(signedIn.accessToken, signedIn.refreshToken).catch(() => undefined);
        throw new AppError('LOGIN_NO_PRINCIPAL', `no principal: ${mapped.problem}`, {
          detail: 'Elasticsearch did not name a user for this sign-in. Ask its administrator to check the realm\'s claims mapping.',
        });
      }
      const { identity } = mapped;
      // Sign-in always starts a new session; any session this browser held before is ended.
      const previous = await sessions.resolve(req.headers.cookie).catch(() => undefined);
      if (previous?.state === 'active') await sessions.end(previous.id);
      const tokens = {
        idToken: '',
        accessToken: signedIn.accessToken,
        refreshToken: signedIn.refreshToken,
        accessTokenExpiresAt: deps.now() + signedIn.expiresIn * 1000,
      };
      const { setCookie } = await sessions.create(identity, tokens, undefined, returned.realm);
      metrics.logins.inc({ stage: 'succeeded', reason: '' });
      logger.info({ user: identity.user, realm: returned.realm, requestId: res.locals.requestId }, 'signed in through Elasticsearch');
      deps.audit.record({ event: 'sign_in', outcome: 'success', reason: 'elasticsearch-realm', user: identity.user, sub: identity.sub, ...auditContext(req, res.locals.requestId) });
      res.append('Set-Cookie', setCookie).redirect(302, validateRedirect(returned.rd, config.allowedRedirectDomains));
    },
  };
}

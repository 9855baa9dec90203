/**
 * The IdentityProvider over openid-client: discovery in the background with retries (readiness
 * waits for it), the authorization-code flow with PKCE, and ID token validation including the
 * JWS signature against the provider's JWKS. openid-client errors are translated to AppErrors here.
 * The signature is checked here with jose rather than by openid-client, whose key cache refuses a
 * new key for a minute after each download: a provider that rotates its signing key would
 * otherwise fail every sign-in and refresh for up to a minute.
 * Every call goes through the provider's dispatcher (CA bundle, timeouts, egress proxy), which logs
 * each failed call with its URL and cause.
 */
import { compactVerify, errors as joseErrors } from 'jose';
import * as oidc from 'openid-client';
import type { OidcSettings } from '../config/config.ts';
import { AppError } from '../errors.ts';
import { describeFailure } from '../http/outbound/failure-cause.ts';
import { loggableUrl } from '../http/outbound/loggable-url.ts';
import type { ProviderOutbound } from '../http/outbound/create-outbound.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { RefreshRejectedError, type IdentityProvider, type LoginChecks, type TokenResult } from './identity-provider.ts';
import { remoteJwks, verifyLogoutToken } from './logout-token.ts';

const MAX_RETRY_DELAY_MS = 30_000;

/** openid-client failures that mean the ID token or response was not acceptable, not that the provider was down. */
const VALIDATION_CODES = new Set([
  'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
  'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
  'OAUTH_KEY_SELECTION_FAILED',
  // Also raised for a bad JWS signature ("JWT signature verification failed").
  'OAUTH_INVALID_RESPONSE',
]);

/** Maps an openid-client failure during the code exchange to the error catalogue. */
export function translateExchangeError(err: unknown): AppError {
  if (err instanceof oidc.ResponseBodyError) {
    return new AppError('IDP_UNAVAILABLE', `token endpoint refused the code: ${err.error}`, {
      cause: err,
      detail: 'The identity provider did not accept the sign-in. Please try again.',
    });
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && VALIDATION_CODES.has(code)) {
    return new AppError('LOGIN_TOKEN_INVALID', `ID token rejected: ${(err as Error).message}`, { cause: err });
  }
  return new AppError('IDP_UNAVAILABLE', `code exchange failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

/** Where openid-client looks for the discovery document (OpenID Connect Discovery 1.0 §4). */
function discoveryUrl(issuer: URL): string {
  return `${issuer.href.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

/**
 * Creates the provider client and starts discovery in the background.
 * @param outbound - the provider's dispatcher and fetches, built once at start-up
 */
export function createOidcClient(
  settings: OidcSettings,
  redirectUrl: URL | undefined,
  logger: Logger,
  metrics: Metrics,
  outbound: ProviderOutbound,
): IdentityProvider {
  let configuration: oidc.Configuration | undefined;
  let jwks: ReturnType<typeof remoteJwks> | undefined;
  // ID tokens come straight from the token endpoint, so their kid is the provider's own: an unknown
  // one always fetches the key set again. Logout tokens are posted by anyone, so theirs waits.
  let idTokenKeys: ReturnType<typeof remoteJwks> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;
  const timeoutSeconds = Math.max(1, Math.ceil(settings.timeoutMs / 1000));
  const discoveryFetch = outbound.fetch('discovery');
  const discoveryTarget = loggableUrl(discoveryUrl(settings.issuerUrl));

  /**
   * Checks the ID token's signature against the JWKS even though it arrives over the token
   * endpoint; openid-client has already checked its claims and its alg.
   */
  const verifySignature = async (idToken: string, algorithms: string[] | undefined): Promise<void> => {
    if (!idTokenKeys) throw new AppError('LOGIN_TOKEN_INVALID', 'the provider publishes no jwks_uri to check the ID token with');
    try {
      await compactVerify(idToken, idTokenKeys, algorithms ? { algorithms } : {});
    } catch (err) {
      // A key set that cannot be fetched is the provider's outage; anything else is the token.
      const tokenFault = err instanceof joseErrors.JOSEError && !(err instanceof joseErrors.JWKSTimeout);
      throw new AppError(tokenFault ? 'LOGIN_TOKEN_INVALID' : 'IDP_UNAVAILABLE', `ID token signature: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    }
  };

  const timed = async <T>(operation: string, work: () => Promise<T>): Promise<T> => {
    const end = metrics.idpDuration.startTimer({ operation });
    try {
      const result = await work();
      end({ outcome: 'success' });
      return result;
    } catch (err) {
      end({ outcome: 'error' });
      throw err;
    }
  };

  const discover = async (attempt: number): Promise<void> => {
    try {
      const found = await timed('discovery', () =>
        oidc.discovery(
          settings.issuerUrl,
          settings.clientId,
          undefined,
          // Bearer-token validation needs no client authentication; sign-in always has a secret.
          settings.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(settings.clientSecret),
          {
            timeout: timeoutSeconds,
            execute: settings.allowInsecureHttp ? [oidc.allowInsecureRequests] : [],
            [oidc.customFetch]: discoveryFetch,
          },
        ),
      );
      const metadata = found.serverMetadata();
      // Later calls share the Configuration's fetch; the URL tells the log which call it was.
      found[oidc.customFetch] = outbound.fetch((url) =>
        url === metadata.userinfo_endpoint ? 'userinfo' : url === metadata.jwks_uri ? 'jwks' : 'token',
      );
      const jwksUri = metadata.jwks_uri;
      jwks = jwksUri ? remoteJwks(jwksUri, settings.timeoutMs, outbound.fetch('jwks')) : undefined;
      idTokenKeys = jwksUri ? remoteJwks(jwksUri, settings.timeoutMs, outbound.fetch('jwks'), 0) : undefined;
      configuration = found;
      logger.info({ issuer: found.serverMetadata().issuer }, 'OpenID Provider discovery loaded');
    } catch (err) {
      if (closed) return;
      const delay = Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** attempt);
      const { cause, code } = describeFailure(err);
      logger.warn({ url: discoveryTarget, cause, ...(code && { code }), retryInMs: delay }, 'OpenID Provider discovery failed');
      retryTimer = setTimeout(() => void discover(attempt + 1), delay);
      retryTimer.unref();
    }
  };
  void discover(0);

  const requireRedirectUrl = (): URL => {
    if (!redirectUrl) throw new AppError('INTERNAL', 'browser sign-in is not configured');
    return redirectUrl;
  };

  const ready = (): oidc.Configuration => {
    if (!configuration) {
      throw new AppError('IDP_UNAVAILABLE', 'OpenID Provider discovery has not loaded yet', {
        detail: 'The identity provider cannot be reached right now. Please try again shortly.',
      });
    }
    return configuration;
  };

  return {
    isReady: () => configuration !== undefined,
    endpoints() {
      if (!configuration) return undefined;
      const metadata = configuration.serverMetadata();
      return {
        issuer: metadata.issuer,
        jwksUri: metadata.jwks_uri,
        userinfoEndpoint: metadata.userinfo_endpoint,
        issParameterSupported: metadata.authorization_response_iss_parameter_supported === true,
      };
    },
    authorizationUrl({ state, nonce, codeChallenge, redirectUri }) {
      return oidc.buildAuthorizationUrl(ready(), {
        redirect_uri: redirectUri ?? requireRedirectUrl().href,
        scope: settings.scopes.join(' '),
        response_type: 'code',
        code_challenge: codeChallenge,
        code_challenge_method: 'S256',
        state,
        nonce,
      });
    },
    async exchangeCode(callbackUrl: URL, checks: LoginChecks): Promise<TokenResult> {
      const current = ready();
      try {
        const tokens = await timed('token', () =>
          oidc.authorizationCodeGrant(current, callbackUrl, {
            pkceCodeVerifier: checks.codeVerifier,
            expectedState: checks.state,
            expectedNonce: checks.nonce,
            idTokenExpected: true,
          }),
        );
        const claims = tokens.claims();
        if (!claims || !tokens.id_token) throw new AppError('LOGIN_TOKEN_INVALID', 'token response has no ID token');
        await verifySignature(tokens.id_token, current.serverMetadata().id_token_signing_alg_values_supported);
        return {
          claims: claims as Record<string, unknown>,
          idToken: tokens.id_token,
          accessToken: tokens.access_token,
          refreshToken: tokens.refresh_token,
          expiresIn: tokens.expiresIn(),
        };
      } catch (err) {
        throw err instanceof AppError ? err : translateExchangeError(err);
      }
    },
    async refresh(refreshToken) {
      const current = ready();
      try {
        const tokens = await timed('refresh', () => oidc.refreshTokenGrant(current, refreshToken));
        if (tokens.id_token) await verifySignature(tokens.id_token, current.serverMetadata().id_token_signing_alg_values_supported);
        return {
          claims: tokens.claims() as Record<string, unknown> | undefined,
          idToken: tokens.id_token ?? '',
          accessToken: tokens.access_token,
          refreshToken: tokens.refresh_token ?? refreshToken,
          expiresIn: tokens.expiresIn(),
        };
      } catch (err) {
        if (err instanceof oidc.ResponseBodyError && err.error === 'invalid_grant') {
          throw new RefreshRejectedError(`refresh token refused: ${err.error}`, { cause: err });
        }
        throw translateExchangeError(err);
      }
    },
    async fetchUserinfo(accessToken, expectedSubject) {
      const current = ready();
      if (!current.serverMetadata().userinfo_endpoint) return undefined;
      try {
        const claims = await timed('userinfo', () => oidc.fetchUserInfo(current, accessToken, expectedSubject));
        return claims as Record<string, unknown>;
      } catch (err) {
        throw new AppError('IDP_UNAVAILABLE', `userinfo failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      }
    },
    async verifyLogoutToken(token) {
      const current = ready();
      if (!jwks) throw new Error('the provider publishes no jwks_uri');
      const metadata = current.serverMetadata();
      return verifyLogoutToken(token, {
        issuer: metadata.issuer,
        clientId: settings.clientId,
        jwks,
        algorithms: metadata.id_token_signing_alg_values_supported,
      });
    },
    endSessionUrl({ idTokenHint, postLogoutRedirectUri, state }) {
      if (!configuration?.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(configuration, {
        id_token_hint: idTokenHint,
        post_logout_redirect_uri: postLogoutRedirectUri,
        state,
      });
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
    },
  };
}

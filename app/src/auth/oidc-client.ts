/**
 * The IdentityProvider over openid-client: discovery in the background with retries (readiness
 * waits for it, provider-discovery.ts), the authorization-code flow with PKCE, and ID token
 * validation including the JWS signature against the provider's JWKS (id-token-signature.ts).
 * openid-client errors are translated to AppErrors (oidc-errors.ts). Every call goes through the
 * provider's dispatcher (CA bundle, timeouts, egress proxy), which logs each failed call with its
 * URL and cause.
 */
import * as oidc from 'openid-client';
import type { OidcSettings } from '../config/config.ts';
import { AppError } from '../errors.ts';
import type { ProviderOutbound } from '../http/outbound/create-outbound.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { verifyIdTokenSignature } from './id-token-signature.ts';
import { RefreshRejectedError, type IdentityProvider, type LoginChecks, type TokenResult } from './identity-provider.ts';
import { verifyLogoutToken } from './logout-token.ts';
import { translateExchangeError } from './oidc-errors.ts';
import { startDiscovery, type DiscoveredProvider } from './provider-discovery.ts';
import { createTimedIdpCall } from './timed-idp-call.ts';

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
  const timed = createTimedIdpCall(metrics);
  const discovery = startDiscovery(settings, { logger, outbound, timed });

  const requireRedirectUrl = (): URL => {
    if (!redirectUrl) throw new AppError('INTERNAL', 'browser sign-in is not configured');
    return redirectUrl;
  };

  const ready = (): DiscoveredProvider => {
    const found = discovery.current();
    if (!found) {
      throw new AppError('IDP_UNAVAILABLE', 'OpenID Provider discovery has not loaded yet', {
        detail: 'The identity provider cannot be reached right now. Please try again shortly.',
      });
    }
    return found;
  };

  /** The ID token's signature, against the key set and the algorithms the provider names. */
  const verifySignature = (idToken: string, found: DiscoveredProvider): Promise<void> =>
    verifyIdTokenSignature(idToken, found.idTokenKeys, found.configuration.serverMetadata().id_token_signing_alg_values_supported);

  return {
    isReady: () => discovery.current() !== undefined,
    endpoints() {
      const metadata = discovery.current()?.configuration.serverMetadata();
      if (!metadata) return undefined;
      return {
        issuer: metadata.issuer,
        jwksUri: metadata.jwks_uri,
        userinfoEndpoint: metadata.userinfo_endpoint,
        issParameterSupported: metadata.authorization_response_iss_parameter_supported === true,
      };
    },
    authorizationUrl({ state, nonce, codeChallenge, redirectUri }) {
      return oidc.buildAuthorizationUrl(ready().configuration, {
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
      const found = ready();
      try {
        const tokens = await timed('token', () =>
          oidc.authorizationCodeGrant(found.configuration, callbackUrl, {
            pkceCodeVerifier: checks.codeVerifier,
            expectedState: checks.state,
            expectedNonce: checks.nonce,
            idTokenExpected: true,
          }),
        );
        const claims = tokens.claims();
        if (!claims || !tokens.id_token) throw new AppError('LOGIN_TOKEN_INVALID', 'token response has no ID token');
        await verifySignature(tokens.id_token, found);
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
      const found = ready();
      try {
        const tokens = await timed('refresh', () => oidc.refreshTokenGrant(found.configuration, refreshToken));
        if (tokens.id_token) await verifySignature(tokens.id_token, found);
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
      const { configuration } = ready();
      if (!configuration.serverMetadata().userinfo_endpoint) return undefined;
      try {
        const claims = await timed('userinfo', () => oidc.fetchUserInfo(configuration, accessToken, expectedSubject));
        return claims as Record<string, unknown>;
      } catch (err) {
        throw new AppError('IDP_UNAVAILABLE', `userinfo failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
      }
    },
    async verifyLogoutToken(token) {
      const found = ready();
      if (!found.logoutTokenKeys) throw new Error('the provider publishes no jwks_uri');
      const metadata = found.configuration.serverMetadata();
      return verifyLogoutToken(token, {
        issuer: metadata.issuer,
        clientId: settings.clientId,
        jwks: found.logoutTokenKeys,
        algorithms: metadata.id_token_signing_alg_values_supported,
      });
    },
    endSessionUrl({ idTokenHint, postLogoutRedirectUri, state }) {
      const configuration = discovery.current()?.configuration;
      if (!configuration?.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(configuration, {
        id_token_hint: idTokenHint,
        post_logout_redirect_uri: postLogoutRedirectUri,
        state,
      });
    },
    close: () => discovery.close(),
  };
}

/**
 * The test IdP's resource servers (RFC 8707 resource indicators) and machine clients: a client with
 * the client credentials grant asks for a token with `resource=<indicator>`, and gets one whose
 * `aud` is that resource server, in the server's format: a JWT access token (RFC 9068, signed with
 * the IdP's key and checked against its JWKS) or an opaque one that only the introspection
 * endpoint can vouch for. oidc-provider's `features.resourceIndicators` and `features.clientCredentials`.
 */
import type { KoaContextWithOIDC, OidcClient } from 'oidc-provider';
import { errors } from 'oidc-provider';

/** One API the IdP issues access tokens for. */
export interface ResourceServer {
  /** The resource indicator, which becomes the token's `aud`. */
  readonly indicator: string;
  /** The scopes a token for this server may carry, space-separated. */
  readonly scope: string;
  /** `jwt` (RFC 9068) or `opaque` (introspection only). */
  readonly format: 'jwt' | 'opaque';
}

/** oidc-provider's resourceIndicators feature for `servers`; tokens live `ttlSeconds`. */
export function resourceIndicatorsFeature(servers: readonly ResourceServer[], ttlSeconds: number): Record<string, unknown> {
  return {
    enabled: true,
    // Without a resource parameter a token stays what it always was: for the userinfo endpoint.
    defaultResource: async (_ctx: KoaContextWithOIDC, _client: OidcClient, oneOf?: string[]) => oneOf ?? undefined,
    useGrantedResource: async () => false,
    getResourceServerInfo: async (_ctx: KoaContextWithOIDC, indicator: string) => {
      const server = servers.find((s) => s.indicator === indicator);
      if (server === undefined) throw new errors.InvalidTarget();
      return { scope: server.scope, audience: server.indicator, accessTokenFormat: server.format, accessTokenTTL: ttlSeconds, ...(server.format === 'jwt' && { jwt: { sign: { alg: 'RS256' } } }) };
    },
  };
}

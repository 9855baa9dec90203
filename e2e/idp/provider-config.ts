import { randomBytes } from 'node:crypto';
import type { JsonWebKey } from 'node:crypto';
import type { Configuration, KoaContextWithOIDC, OidcClient } from 'oidc-provider';
import { claimsOf } from './demo-users.ts';
import type { DemoUser } from './demo-users.ts';
import { createMemoryAdapterFactory } from './memory-adapter.ts';
import { errorPage, logoutPage, signedOutPage } from './pages.ts';
import { resourceIndicatorsFeature, type ResourceServer } from './resource-servers.ts';

/** A relying party registered at the test IdP. */
export interface TestIdpClient {
  clientId: string;
  /**
   * Grant types; authorization_code and refresh_token by default. A client with client_credentials
   * alone is a machine: no redirect URI, no response type.
   */
  grantTypes?: string[];
  /** client_secret_basic (the default), client_secret_post, or private_key_jwt with `jwks`. */
  tokenEndpointAuthMethod?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  /** The public keys of a private_key_jwt client. */
  jwks?: { keys: JsonWebKey[] };
  clientSecret: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** Receives OIDC back-channel logout tokens (with `sid`) when the user signs out at the IdP. */
  backchannelLogoutUri?: string;
  /**
   * False for a relying party that sends no PKCE, as Elasticsearch's OpenID Connect realm does
   * (a confidential client; elastic/elasticsearch#54582); every other client must use S256.
   */
  pkce?: boolean;
}

/** Inputs of {@link buildProviderConfiguration}. */
export interface ProviderConfigInput {
  clients: TestIdpClient[];
  /** The APIs access tokens can be asked for with `resource=` (RFC 8707). */
  resourceServers?: readonly ResourceServer[];
  users: readonly DemoUser[];
  accessTokenTtlSeconds: number;
  signingKey: JsonWebKey;
}

/** The oidc-provider configuration of the test IdP. */
export function buildProviderConfiguration(input: ProviderConfigInput): Configuration {
  const { users, accessTokenTtlSeconds } = input;
  return {
    clients: input.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.postLogoutRedirectUris ?? [],
      grant_types: c.grantTypes ?? ['authorization_code', 'refresh_token'],
      response_types: (c.grantTypes ?? ['authorization_code']).includes('authorization_code') ? ['code'] : [],
      ...(c.tokenEndpointAuthMethod && { token_endpoint_auth_method: c.tokenEndpointAuthMethod }),
      ...(c.jwks && { jwks: c.jwks }),
      ...(c.backchannelLogoutUri === undefined
        ? {}
        : { backchannel_logout_uri: c.backchannelLogoutUri, backchannel_logout_session_required: true }),
    })),
    adapter: createMemoryAdapterFactory(),
    jwks: { keys: [input.signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    responseTypes: ['code'],
    // Every client, confidential ones too, but one registered without; oidc-provider v9 only implements S256.
    pkce: { required: (_ctx: unknown, client: OidcClient) => input.clients.find((c) => c.clientId === client.clientId)?.pkce !== false },
    // Scope claims go into the ID token too, which is where an auth proxy reads groups from.
    conformIdTokenClaims: false,
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
      groups: ['groups'],
      roles: ['department', 'realm_access'],
    },
    scopes: ['openid', 'offline_access', 'email', 'profile', 'groups', 'roles'],
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx: KoaContextWithOIDC, form: string) => html(ctx, logoutPage(form)),
        postLogoutSuccessSource: async (ctx: KoaContextWithOIDC) => html(ctx, signedOutPage()),
      },
      backchannelLogout: { enabled: true },
      revocation: { enabled: true },
      // Any authenticated client may introspect any token: gatehouse introspects as its own client.
      introspection: { enabled: true, allowedPolicy: async () => true },
      clientCredentials: { enabled: true },
      resourceIndicators: resourceIndicatorsFeature(input.resourceServers ?? [], accessTokenTtlSeconds),
    },
    interactions: { url: async (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    clientBasedCORS: () => true,
    // Without offline_access too, so that refresh works for any scope set the proxy asks for.
    issueRefreshToken: async (_ctx: unknown, client: OidcClient) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: accessTokenTtlSeconds,
      // Same lifetime as the access token, so that a short TTL expires the whole token response.
      IdToken: accessTokenTtlSeconds,
      ClientCredentials: accessTokenTtlSeconds,
      AuthorizationCode: 60,
      RefreshToken: 24 * 3600,
      Interaction: 600,
      Session: 24 * 3600,
      Grant: 24 * 3600,
    },
    renderError: async (ctx: KoaContextWithOIDC, out: Record<string, unknown>) => html(ctx, errorPage(out)),
    // oidc-provider refuses outgoing requests to special-use addresses such as 127.0.0.1 by
    // handing fetch an SSRF-checking dispatcher; back-channel logout here targets loopback.
    fetch: (url: string, options: RequestInit & { dispatcher?: unknown }) => {
      const { dispatcher: _ignored, ...rest } = options;
      return fetch(url, rest);
    },
    findAccount: async (_ctx, sub) => {
      const user = users.find((u) => u.login === sub);
      if (user === undefined) return undefined;
      return { accountId: sub, claims: (use: string) => claimsOf(user, use) };
    },
    // Auto-consent: every client is first-party here, so grant whatever was requested.
    loadExistingGrant: async (ctx) => {
      const { client, session } = ctx.oidc;
      if (client === undefined || session?.accountId === undefined) return undefined;
      const { Grant } = ctx.oidc.provider;
      const grantId = ctx.oidc.result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      const found = grantId === undefined ? undefined : await Grant.find(grantId);
      const grant =
        found !== undefined && found.accountId === session.accountId
          ? found
          : new Grant({ accountId: session.accountId, clientId: client.clientId });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
      const claims = [...ctx.oidc.requestParamClaims];
      if (claims.length > 0) grant.addOIDCClaims(claims);
      await grant.save();
      return grant;
    },
  };
}

function html(ctx: KoaContextWithOIDC, body: string): void {
  ctx.type = 'html';
  ctx.body = body;
}

/** The settings of an OpenID Connect realm of the Elasticsearch stand-in (not Elasticsearch). */

/** `xpack.security.authc.realms.oidc.<name>` as far as the stand-in needs it. */
export interface StandInOidcRealm {
  readonly name: string;
  /** `op.issuer`; the endpoints come from its discovery document. */
  readonly issuer: string;
  readonly clientId: string;
  /** `rp.client_secret` (the keystore's). */
  readonly clientSecret: string;
  /** `rp.redirect_uri`: the facilitator's callback. */
  readonly redirectUri: string;
  /** `rp.post_logout_redirect_uri`; with it, logout answers the provider's end-session URL. */
  readonly postLogoutRedirectUri?: string;
  /** `rp.requested_scopes`; openid is always added. */
  readonly requestedScopes?: readonly string[];
  /** `claims.*`: which claim each user property comes from. */
  readonly claims: { readonly principal: string; readonly groups?: string; readonly name?: string; readonly mail?: string };
  readonly roleMappings?: ReadonlyArray<{ readonly roles: readonly string[]; readonly groups?: string }>;
}

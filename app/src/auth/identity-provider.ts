/** Our narrow view of the OpenID Provider, so routes never touch openid-client directly. */

/** The PKCE, state and nonce values of one sign-in. */
export interface LoginChecks {
  readonly codeVerifier: string;
  readonly state: string;
  readonly nonce: string;
}

/** What a successful code exchange yields. */
export interface TokenResult {
  /** Validated ID token claims. */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly idToken: string;
  readonly accessToken: string | undefined;
  readonly refreshToken: string | undefined;
  /** Seconds until the access token expires, when the provider said. */
  readonly expiresIn: number | undefined;
}

/** The operations gatehouse needs from an OpenID Provider. */
export interface IdentityProvider {
  /** True once discovery has loaded. */
  isReady(): boolean;
  /** The authorization endpoint URL for a new sign-in (PKCE S256, state and nonce). */
  authorizationUrl(checks: { state: string; nonce: string; codeChallenge: string }): URL;
  /** Exchanges the code in `callbackUrl` and validates the ID token. */
  exchangeCode(callbackUrl: URL, checks: LoginChecks): Promise<TokenResult>;
  /** The RP-initiated logout URL, or undefined when the provider has no end_session_endpoint. */
  endSessionUrl(params: { idTokenHint: string; postLogoutRedirectUri: string; state: string }): URL | undefined;
  /** Stops background discovery retries. */
  close(): void;
}

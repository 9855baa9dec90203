/** Our narrow view of the OpenID Provider, so routes never touch openid-client directly. */

/** The PKCE, state and nonce values of one sign-in. */
export interface LoginChecks {
  readonly codeVerifier: string;
  readonly state: string;
  readonly nonce: string;
}

/** Endpoints from the provider's discovery document. */
export interface ProviderEndpoints {
  readonly issuer: string;
  readonly jwksUri: string | undefined;
  readonly userinfoEndpoint: string | undefined;
  /** The provider sends `iss` with its authorization responses (RFC 9207 §3), so a callback without one is refused. */
  readonly issParameterSupported: boolean;
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

/** What a validated back-channel logout token names. */
export interface LogoutTarget {
  readonly sid: string | undefined;
  readonly sub: string | undefined;
  readonly jti: string;
  readonly iss: string;
}

/** The provider refused a refresh token for good (invalid_grant): the session must end. */
export class RefreshRejectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RefreshRejectedError';
  }
}

/** The operations gatehouse needs from an OpenID Provider. */
export interface IdentityProvider {
  /** True once discovery has loaded. */
  isReady(): boolean;
  /** The discovered issuer and endpoints; undefined until discovery has loaded. */
  endpoints(): ProviderEndpoints | undefined;
  /**
   * The authorization endpoint URL for a new sign-in (PKCE S256, state and nonce).
   * @param checks.redirectUri - this sign-in's callback; GATEHOUSE_REDIRECT_URL when left out
   */
  authorizationUrl(checks: { state: string; nonce: string; codeChallenge: string; redirectUri?: string | undefined }): URL;
  /** Exchanges the code in `callbackUrl` and validates the ID token. */
  exchangeCode(callbackUrl: URL, checks: LoginChecks): Promise<TokenResult>;
  /**
   * Exchanges a refresh token for new tokens.
   * @throws RefreshRejectedError when the provider refuses the token for good; AppError IDP_UNAVAILABLE otherwise
   */
  refresh(refreshToken: string): Promise<Omit<TokenResult, 'claims'> & { claims: Readonly<Record<string, unknown>> | undefined }>;
  /**
   * Fetches the UserInfo claims with an access token, requiring the provider's `sub` to equal
   * `expectedSubject`.
   * @returns undefined when the provider has no userinfo_endpoint
   * @throws AppError IDP_UNAVAILABLE when the call fails or the subject differs
   */
  fetchUserinfo(accessToken: string, expectedSubject: string): Promise<Record<string, unknown> | undefined>;
  /**
   * Validates a back-channel logout token (OIDC Back-Channel Logout 1.0 §2.6).
   * @throws Error naming the failed check
   */
  verifyLogoutToken(token: string): Promise<LogoutTarget>;
  /** The RP-initiated logout URL, or undefined when the provider has no end_session_endpoint. */
  endSessionUrl(params: { idTokenHint: string; postLogoutRedirectUri: string; state: string }): URL | undefined;
  /** Stops background discovery retries. */
  close(): void;
}

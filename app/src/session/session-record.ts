/** What the server keeps about a signed-in user. The browser only ever holds the sealed id. */

/** The identity taken from the ID token at sign-in. */
export interface Identity {
  readonly sub: string;
  readonly user: string;
  readonly email: string | undefined;
  readonly groups: readonly string[];
  readonly preferredUsername: string | undefined;
}

/** Tokens from the OpenID Provider; never sent to the browser. */
export interface SessionTokens {
  readonly idToken: string;
  readonly accessToken: string | undefined;
  readonly refreshToken: string | undefined;
  /** Epoch milliseconds, when the provider said. */
  readonly accessTokenExpiresAt: number | undefined;
}

/** One session as stored. */
export interface SessionRecord {
  readonly version: 1;
  /** Epoch milliseconds of sign-in. */
  readonly createdAt: number;
  /** Epoch milliseconds after which the session ends however active it is. */
  readonly expiresAt: number;
  /** Epoch milliseconds of the last server-side token refresh, if any. */
  readonly refreshedAt?: number | undefined;
  /** The provider's session id (`sid` claim), for logout propagation. */
  readonly sid: string | undefined;
  readonly identity: Identity;
  readonly tokens: SessionTokens;
  /**
   * Identity headers for /oauth2/auth as a flat name, value, name, value… list, computed once at
   * sign-in so the hot path hands it to writeHead as is. Empty values are already left out.
   */
  readonly headers: readonly string[];
  /** Set when a claim cannot be sent as a header (a control character); such a session is always denied. */
  readonly headerProblem: string | undefined;
}

/** What the server keeps about a signed-in user. The browser only ever holds the sealed id. */

/** The identity mapped from the ID token (and UserInfo) claims at sign-in. */
export interface Identity {
  readonly sub: string;
  /** The principal, from the configured username claim. */
  readonly user: string;
  readonly email: string | undefined;
  readonly groups: readonly string[];
  readonly preferredUsername: string | undefined;
  /** The full name. */
  readonly name: string | undefined;
  /** The distinguished name, when a claim is mapped to it. */
  readonly dn: string | undefined;
  /**
   * The claims without protocol claims (nonce, at_hash, exp…): what role mappings, named policies
   * and claim headers read. Roles and headers are derived from these at check time, so a config
   * reload applies to existing sessions.
   */
  readonly claims: Readonly<Record<string, unknown>>;
  /**
   * Set only by the serviceaccount source, never from claims: the ServiceAccount the Kubernetes
   * API proved, with the uid and extra its TokenReview named (a SubjectAccessReview repeats them).
   */
  readonly serviceAccount?: KubernetesServiceAccount | undefined;
  /**
   * The id of the listed provider (the config file's `providers`) this identity signed in with;
   * undefined for the GATEHOUSE_OIDC_* provider and every other source. Refresh, sign-out,
   * back-channel logout and the provider's own role settings follow it.
   */
  readonly provider?: string | undefined;
}

/** A ServiceAccount as the Kubernetes API's TokenReview described it. */
export interface KubernetesServiceAccount {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string | undefined;
  readonly extra: Readonly<Record<string, readonly string[]>>;
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
  readonly version: 2;
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
   * Set when the user signed in through this Elasticsearch OpenID Connect realm: `tokens` are then
   * Elasticsearch's own access and refresh tokens (no ID token), refreshed with Elasticsearch.
   */
  readonly elasticsearchRealm?: string | undefined;
}

/**
 * The config file's `bearer` section as the frozen Config carries it: the token issuers gatehouse
 * trusts, each with its audiences, algorithms, clock skew, username prefix and claims mapping, and
 * for opaque tokens its RFC 7662 introspection endpoint and client authentication. Read at start-up
 * only; a change needs a restart.
 */
import type { ClaimsConfig } from '../identity/claims/claims-config.ts';

/** How gatehouse authenticates to an introspection endpoint (RFC 7662 §2.1, OpenID Connect Core §9). */
export type IntrospectionClientAuth =
  | { readonly method: 'client_secret_basic' | 'client_secret_post'; readonly secret: string }
  | {
      readonly method: 'private_key_jwt';
      /** The private key, PEM (PKCS#8) or a JWK as JSON, checked at start-up. */
      readonly privateKey: string;
      /** The JWS algorithm its type implies (RS256, ES256/384/512, EdDSA). */
      readonly alg: string;
      readonly kid: string | undefined;
    };

/** Where an introspection response proves that the token was issued for this service. */
export type AudienceClaim = 'aud' | 'client_id';

/** RFC 7662 introspection of one issuer's opaque tokens. */
export interface IntrospectionSettings {
  /** Configured, or undefined to take `introspection_endpoint` from discovery. */
  readonly endpoint: URL | undefined;
  readonly clientId: string;
  readonly auth: IntrospectionClientAuth;
  readonly audienceClaim: AudienceClaim;
  /** An answer is remembered until the token's exp, and never longer than this. */
  readonly maxCacheMs: number;
}

/** One trusted token issuer. */
export interface IssuerSettings {
  /** The exact `iss` value (and the discovery base). */
  readonly issuer: string;
  /** Configured, or undefined to take `jwks_uri` from discovery. */
  readonly jwksUri: URL | undefined;
  /** Where the issuer's metadata is read when something is not configured. */
  readonly discoveryUrl: URL;
  /** A token must name one of these in `aud` (JWT) or in the introspection answer. */
  readonly audiences: readonly string[];
  /** Asymmetric JWS algorithms only. */
  readonly algorithms: readonly string[];
  readonly clockSkewSec: number;
  /** Put before the mapped username, so one issuer's `sub` never collides with another's. */
  readonly usernamePrefix: string;
  /** The issuer's own claims mapping; undefined: the file's `claims` section (reloadable). */
  readonly claims: ClaimsConfig | undefined;
  /** The issuer's own CA bundle; undefined: GATEHOUSE_OIDC_CA_FILE's, or the system CAs. */
  readonly caPem: string | undefined;
  /** Upper bound of each call to the issuer (discovery, JWKS, introspection). */
  readonly timeoutMs: number;
  readonly introspection: IntrospectionSettings | undefined;
}

/** The `bearer` section. */
export interface BearerSettings {
  readonly issuers: readonly IssuerSettings[];
  /** Verified tokens (and introspection answers) remembered at once, per source. */
  readonly cacheSize: number;
}

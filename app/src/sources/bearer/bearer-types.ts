/**
 * Types shared by the Bearer-token identity source (elastauth's `oidc` provider, hardened).
 */
import type { JWTVerifyGetKey } from 'jose';
import type { OutboundFetch } from '../../http/outbound/logged-fetch.ts';

/** How a Bearer token is validated, as elastauth's `oidc.token_validation`. */
export type BearerMode = 'jwks' | 'userinfo' | 'both';

/** Options of `createBearerVerifier`. */
export interface BearerVerifierOptions {
  /** The expected `iss`, exactly as the provider's discovery states it. */
  readonly issuer: string;
  /** The client id; a token's `aud` must include it. */
  readonly audience: string;
  readonly jwksUri: string;
  /** The issuer's keys, when they are held elsewhere (createIssuerKeys); otherwise fetched from `jwksUri`. */
  readonly getKey?: JWTVerifyGetKey;
  /** Required for the `userinfo` and `both` modes. */
  readonly userinfoUrl?: string;
  readonly mode: BearerMode;
  /** A subset of the asymmetric algorithms; default all of them. */
  readonly allowedAlgorithms?: readonly string[];
  /** Leeway for `exp` and `nbf`, in seconds; default 30. */
  readonly clockToleranceSec?: number;
  /** Upper bound of each call to the provider (JWKS, userinfo). */
  readonly fetchTimeoutMs: number;
  /** The provider's fetches through its dispatcher (CA, proxy, failure log); the global fetch when not given. */
  readonly fetch?: { readonly jwks: OutboundFetch; readonly userinfo: OutboundFetch };
}

/**
 * Stable reasons a token is not accepted. Every one answers 401 except `idp_unavailable`, which
 * means the provider could not be asked (answer 503: the token may well be good).
 */
export type BearerReason =
  | 'bearer_missing'
  | 'bearer_malformed'
  | 'bearer_alg_refused'
  | 'bearer_unknown_key'
  | 'bearer_bad_signature'
  | 'bearer_wrong_issuer'
  | 'bearer_unknown_issuer'
  | 'bearer_wrong_audience'
  | 'bearer_expired'
  | 'bearer_not_yet_valid'
  | 'bearer_claims_invalid'
  | 'bearer_userinfo_refused'
  | 'idp_unavailable';

/** The outcome of verifying one Authorization header. */
export type BearerResult =
  | {
      readonly ok: true;
      /** The verified token's claims, or the userinfo response's (see the mode rules). */
      readonly claims: Readonly<Record<string, unknown>>;
      /** Which check vouched for the token. */
      readonly via: 'jwks' | 'userinfo';
    }
  | {
      readonly ok: false;
      readonly reason: BearerReason;
      /** For logs only: which check failed; never the token. */
      readonly detail?: string;
    };

/** A failed result. */
export type BearerFailure = Extract<BearerResult, { ok: false }>;

/** Builds a failed result. */
export function fail(reason: BearerReason, detail?: string): BearerFailure {
  return detail === undefined ? { ok: false, reason } : { ok: false, reason, detail };
}

/** The HTTP status a failure answers with: 503 when the provider could not be asked, 401 otherwise. */
export function bearerFailureStatus(reason: BearerReason): 401 | 503 {
  return reason === 'idp_unavailable' ? 503 : 401;
}

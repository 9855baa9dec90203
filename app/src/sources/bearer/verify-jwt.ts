/**
 * Verifies a JWT against an issuer's JWKS: signature, algorithm allow-list, `iss`, `aud`,
 * `exp` (required) and `nbf`. jose's errors become stable reasons here, and a failure to fetch
 * the key set is kept apart from a bad token, so the caller can answer 503 rather than 401.
 */
import { decodeProtectedHeader, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { OutboundFetch } from '../../http/outbound/logged-fetch.ts';
import { fail, type BearerReason, type BearerResult } from './bearer-types.ts';
import { createIssuerKeys, KeySetUnavailableError } from './issuer-keys.ts';

/** Every asymmetric JWS algorithm; `none` and the HMAC family are never accepted. */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = Object.freeze([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA',
]);

/** What the verifier needs. */
export interface JwtCheck {
  readonly issuer: string;
  /** The token's `aud` must name this one, or one of these. */
  readonly audience: string | readonly string[];
  readonly algorithms: readonly string[];
  readonly clockToleranceSec: number;
  readonly getKey: JWTVerifyGetKey;
}

/**
 * The key set at `jwksUri`, fetched at once and kept (see createIssuerKeys): again every 10
 * minutes and, for an unknown `kid`, at most once per cooldown (30 s), never per request.
 * @param fetchJwks - the provider's fetch; the global fetch when not given
 */
export function remoteKeySet(jwksUri: string, timeoutMs: number, fetchJwks: OutboundFetch = fetch): JWTVerifyGetKey {
  return createIssuerKeys({ locate: async () => jwksUri, fetch: fetchJwks, timeoutMs, now: Date.now }).getKey;
}

const CLAIM_REASONS: Readonly<Record<string, BearerReason>> = {
  iss: 'bearer_wrong_issuer',
  aud: 'bearer_wrong_audience',
  nbf: 'bearer_not_yet_valid',
};

function translate(err: unknown): BearerResult {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof KeySetUnavailableError) return fail('idp_unavailable', message);
  if (err instanceof errors.JWTExpired) return fail('bearer_expired');
  if (err instanceof errors.JWTClaimValidationFailed) return fail(CLAIM_REASONS[err.claim] ?? 'bearer_claims_invalid', message);
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSMultipleMatchingKeys) {
    return fail('bearer_bad_signature');
  }
  if (err instanceof errors.JWKSNoMatchingKey) return fail('bearer_unknown_key');
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return fail('bearer_alg_refused', message);
  // Anything else came from the token itself (bad JSON, bad encoding, a key it cannot use).
  return fail('bearer_malformed', message);
}

/** The header's algorithm when it is allowed; checked before any key is fetched. */
function checkAlgorithm(token: string, algorithms: readonly string[]): BearerResult | undefined {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    return fail('bearer_malformed', 'the JWT header cannot be decoded');
  }
  if (typeof alg !== 'string' || !algorithms.includes(alg)) {
    return fail('bearer_alg_refused', `alg ${typeof alg === 'string' ? alg.slice(0, 16) : 'missing'} is not allowed`);
  }
  return undefined;
}

/** Verifies `token`; never throws. */
export async function verifyJwt(token: string, check: JwtCheck): Promise<BearerResult> {
  const refused = checkAlgorithm(token, check.algorithms);
  if (refused) return refused;
  try {
    const { payload } = await jwtVerify(token, check.getKey, {
      issuer: check.issuer,
      audience: typeof check.audience === 'string' ? check.audience : [...check.audience],
      algorithms: [...check.algorithms],
      requiredClaims: ['exp'],
      clockTolerance: check.clockToleranceSec,
    });
    return { ok: true, claims: payload as Record<string, unknown>, via: 'jwks' };
  } catch (err) {
    return translate(err);
  }
}

/**
 * The Bearer-token identity source: elastauth's `oidc` provider with its gaps closed.
 *
 * - `jwks`: the token must be a JWT whose signature verifies against the provider's JWKS, with
 *   an allowed asymmetric algorithm, the right `iss`, an `aud` including the client id, and an
 *   unexpired `exp`.
 * - `userinfo`: elastauth sent the token to userinfo and took whatever came back, so a token
 *   minted for any other client of the provider was accepted. Here a JWT must first pass every
 *   `jwks` check (so its verified `aud` names this client), and userinfo must then accept it and
 *   name the same `sub` (revocation and fresh claims). An opaque token is accepted only when the
 *   userinfo response itself names this client in `aud` or `azp`; most providers do not say, and
 *   then the token is refused: userinfo alone cannot show whom a token was issued to.
 * - `both`: a JWT gets the `jwks` checks only and never falls back to userinfo when they fail
 *   (elastauth's fallback turned a bad signature into a userinfo lookup); an opaque token gets the
 *   `userinfo` rule above.
 */
import { AppError } from '../../errors.ts';
import type { OutboundFetch } from '../../http/outbound/logged-fetch.ts';
import { fail, type BearerResult, type BearerVerifierOptions } from './bearer-types.ts';
import { callUserinfo } from './call-userinfo.ts';
import { isJwsShaped, readBearerToken } from './read-bearer-token.ts';
import { ASYMMETRIC_ALGORITHMS, remoteKeySet, verifyJwt, type JwtCheck } from './verify-jwt.ts';

/** Verifies Authorization headers. */
export interface BearerVerifier {
  verify(authorizationHeader: string | undefined): Promise<BearerResult>;
  /** Verifies a token already read from its header. */
  verifyToken(token: string): Promise<BearerResult>;
}

const DEFAULT_CLOCK_TOLERANCE_SEC = 30;
const MAX_CLOCK_TOLERANCE_SEC = 300;
/** Claims whose meaning comes from the verified token; a userinfo response never replaces them. */
const TOKEN_CLAIMS = ['iss', 'sub', 'aud', 'azp', 'exp', 'iat', 'nbf', 'jti'];

function isHttpUrl(text: string | undefined): boolean {
  return text !== undefined && URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
}

/** Every problem with `options`; empty when they are usable. */
export function checkBearerOptions(options: BearerVerifierOptions): string[] {
  const problems: string[] = [];
  if (!options.issuer) problems.push('issuer: is empty');
  if (!options.audience) problems.push('audience: is empty (give the client id)');
  if (!isHttpUrl(options.jwksUri)) problems.push('jwksUri: expected an http(s) URL');
  if (options.mode !== 'jwks' && !isHttpUrl(options.userinfoUrl)) problems.push(`userinfoUrl: the ${options.mode} mode needs the userinfo endpoint`);
  if (!['jwks', 'userinfo', 'both'].includes(options.mode)) problems.push('mode: expected jwks, userinfo or both');
  const algorithms = options.allowedAlgorithms;
  if (algorithms !== undefined) {
    const refused = algorithms.filter((alg) => !ASYMMETRIC_ALGORITHMS.includes(alg));
    // `none` proves nothing, and HMAC keyed with a public key is the classic forgery.
    if (refused.length > 0) problems.push(`allowedAlgorithms: ${refused.join(', ')} not allowed; choose from ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
    if (algorithms.length === 0) problems.push('allowedAlgorithms: is empty');
  }
  const tolerance = options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC;
  if (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > MAX_CLOCK_TOLERANCE_SEC) {
    problems.push(`clockToleranceSec: expected a whole number from 0 to ${MAX_CLOCK_TOLERANCE_SEC}`);
  }
  if (!Number.isInteger(options.fetchTimeoutMs) || options.fetchTimeoutMs < 1) problems.push('fetchTimeoutMs: expected a positive whole number');
  return problems;
}

function namesClient(claims: Readonly<Record<string, unknown>>, clientId: string): boolean {
  const aud = claims.aud;
  if (aud === clientId || claims.azp === clientId) return true;
  return Array.isArray(aud) && aud.includes(clientId);
}

async function verifyOpaque(token: string, userinfoUrl: string, clientId: string, timeoutMs: number, fetchUserinfo?: OutboundFetch): Promise<BearerResult> {
  const result = await callUserinfo(userinfoUrl, token, timeoutMs, fetchUserinfo);
  if (!result.ok) return result;
  if (!namesClient(result.claims, clientId)) return fail('bearer_wrong_audience', 'userinfo does not name this client in aud or azp');
  return result;
}

async function verifyJwtThenUserinfo(token: string, check: JwtCheck, userinfoUrl: string, timeoutMs: number, fetchUserinfo?: OutboundFetch): Promise<BearerResult> {
  const verified = await verifyJwt(token, check);
  if (!verified.ok) return verified;
  const info = await callUserinfo(userinfoUrl, token, timeoutMs, fetchUserinfo);
  if (!info.ok) return info;
  const sub = verified.claims.sub;
  if (sub !== undefined && info.claims.sub !== sub) return fail('bearer_userinfo_refused', 'userinfo names another sub');
  const extra = Object.entries(info.claims).filter(([key]) => !TOKEN_CLAIMS.includes(key));
  return { ok: true, claims: { ...verified.claims, ...Object.fromEntries(extra) }, via: 'userinfo' };
}

/**
 * Builds the verifier. The JWKS is fetched lazily on first use and cached (see `remoteKeySet`).
 * @throws AppError CONFIG_INVALID listing every problem {@link checkBearerOptions} finds
 */
export function createBearerVerifier(options: BearerVerifierOptions): BearerVerifier {
  const problems = checkBearerOptions(options);
  if (problems.length > 0) throw new AppError('CONFIG_INVALID', `bearer tokens: ${problems.join('; ')}`);
  const check: JwtCheck = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.allowedAlgorithms ?? ASYMMETRIC_ALGORITHMS,
    clockToleranceSec: options.clockToleranceSec ?? DEFAULT_CLOCK_TOLERANCE_SEC,
    getKey: options.getKey ?? remoteKeySet(options.jwksUri, options.fetchTimeoutMs, options.fetch?.jwks),
  };
  const userinfoUrl = options.userinfoUrl ?? '';
  const timeoutMs = options.fetchTimeoutMs;
  const fetchUserinfo = options.fetch?.userinfo;
  const verifyToken = (token: string): Promise<BearerResult> => {
    const jwt = isJwsShaped(token);
    switch (options.mode) {
      case 'jwks':
        return jwt ? verifyJwt(token, check) : Promise.resolve(fail('bearer_malformed', 'not a JWT; the jwks mode accepts only JWTs'));
      case 'both':
        return jwt ? verifyJwt(token, check) : verifyOpaque(token, userinfoUrl, options.audience, timeoutMs, fetchUserinfo);
      case 'userinfo':
        return jwt
          ? verifyJwtThenUserinfo(token, check, userinfoUrl, timeoutMs, fetchUserinfo)
          : verifyOpaque(token, userinfoUrl, options.audience, timeoutMs, fetchUserinfo);
    }
  };
  return {
    async verify(authorizationHeader) {
      const read = readBearerToken(authorizationHeader);
      return 'token' in read ? verifyToken(read.token) : read;
    },
    verifyToken,
  };
}

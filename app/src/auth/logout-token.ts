/**
 * Validation of an OIDC Back-Channel Logout 1.0 logout token (§2.4, §2.6): signature against the
 * provider's JWKS, iss, aud, iat, a jti, the back-channel logout event, sid and/or sub, and no
 * nonce. Replay of a jti is checked by the caller against the shared store.
 */
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { OutboundFetch } from '../http/outbound/logged-fetch.ts';
import type { LogoutTarget } from './identity-provider.ts';

/** The event member a logout token must carry. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** How old a logout token may be. */
const MAX_TOKEN_AGE = '10m';

/** What the validator needs from discovery. */
export interface LogoutTokenContext {
  readonly issuer: string;
  readonly clientId: string;
  readonly jwks: JWTVerifyGetKey;
  readonly algorithms: readonly string[] | undefined;
}

/**
 * After a fetch, an unknown `kid` in a logout token fetches the key set again only after this
 * long: a rotated key is picked up at once, and a stream of forged kids costs at most one fetch a
 * second.
 */
export const KEY_REFETCH_COOLDOWN_MS = 1000;

/**
 * A remote JWKS with a bounded fetch time, for the discovered jwks_uri, fetched through the
 * provider's dispatcher.
 * @param cooldownMs - how soon after a fetch an unknown kid may fetch again
 */
export function remoteJwks(jwksUri: string, timeoutMs: number, fetchJwks: OutboundFetch, cooldownMs = KEY_REFETCH_COOLDOWN_MS): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: timeoutMs, cooldownDuration: cooldownMs, [customFetch]: fetchJwks });
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) throw new Error(`${name} must be a non-empty string`);
  return value;
}

/**
 * Validates `token` and returns whom to log out.
 * @throws Error naming the failed check
 */
export async function verifyLogoutToken(token: string, context: LogoutTokenContext): Promise<LogoutTarget> {
  if (typeof token !== 'string' || token.length === 0 || token.length > 16_384) throw new Error('logout_token is missing or too long');
  const { payload, protectedHeader } = await jwtVerify(token, context.jwks, {
    issuer: context.issuer,
    audience: context.clientId,
    maxTokenAge: MAX_TOKEN_AGE,
    requiredClaims: ['iat', 'jti', 'events'],
    ...(context.algorithms ? { algorithms: [...context.algorithms] } : {}),
  });
  if (protectedHeader.typ !== undefined && protectedHeader.typ.toLowerCase() !== 'logout+jwt') {
    throw new Error(`typ must be logout+jwt, got ${protectedHeader.typ}`);
  }
  const events = payload.events as unknown;
  if (typeof events !== 'object' || events === null || Array.isArray(events)) throw new Error('events must be a JSON object');
  const event = (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT];
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new Error(`events must hold ${BACKCHANNEL_LOGOUT_EVENT} with an object value`);
  }
  if ('nonce' in payload) throw new Error('a logout token must not carry a nonce');
  const sid = optionalString(payload.sid, 'sid');
  const sub = optionalString(payload.sub, 'sub');
  if (!sid && !sub) throw new Error('a logout token needs sid or sub');
  const jti = optionalString(payload.jti, 'jti') as string;
  return { sid, sub, jti, iss: context.issuer };
}

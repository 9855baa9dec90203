/**
 * What an active introspection answer must also say before its token names an identity: that it
 * is an access token (`token_type` Bearer or access_token, or, without one, Keycloak's `typ`
 * Bearer; a refresh token sent as a Bearer token is refused), issued by this issuer (`iss`, when
 * given), still valid (`exp`, `nbf`, with the issuer's clock skew), and for this service: the
 * audience is proven by the answer (`aud` naming one of the issuer's audiences, or `client_id`
 * being one, as the issuer's `audience_claim` says), never assumed. A client's own token has no
 * `sub`; its `client_id` stands in (RFC 9068 §2.2).
 */
import type { AudienceClaim } from '../../config/bearer-settings.ts';
import { REASONS, type Reason } from '../../policy/reasons.ts';

/** What the answer is checked against. */
export interface ActiveTokenRules {
  readonly issuer: string;
  readonly audiences: readonly string[];
  readonly audienceClaim: AudienceClaim;
  readonly clockSkewSec: number;
}

/** The token's claims, or why it is refused. */
export type ActiveToken = { readonly ok: true; readonly claims: Readonly<Record<string, unknown>> } | { readonly ok: false; readonly reason: Reason; readonly detail: string };

const ACCESS_TOKEN_TYPES: ReadonlySet<string> = new Set(['bearer', 'access_token']);

const refuse = (reason: Reason, detail: string): ActiveToken => ({ ok: false, reason, detail });

function isAccessToken(members: Readonly<Record<string, unknown>>): boolean {
  const type = members.token_type;
  if (type !== undefined) return typeof type === 'string' && ACCESS_TOKEN_TYPES.has(type.toLowerCase());
  return typeof members.typ === 'string' && members.typ.toLowerCase() === 'bearer';
}

function provesAudience(members: Readonly<Record<string, unknown>>, rules: ActiveTokenRules): boolean {
  if (rules.audienceClaim === 'client_id') return typeof members.client_id === 'string' && rules.audiences.includes(members.client_id);
  const aud = members.aud;
  if (typeof aud === 'string') return rules.audiences.includes(aud);
  return Array.isArray(aud) && aud.some((value) => typeof value === 'string' && rules.audiences.includes(value));
}

/** Checks an active answer's `members` at `nowSec`. */
export function checkActiveToken(members: Readonly<Record<string, unknown>>, rules: ActiveTokenRules, nowSec: number): ActiveToken {
  if (!isAccessToken(members)) return refuse(REASONS.bearerInvalid, 'the answer does not say it is an access token');
  if (members.iss !== undefined && members.iss !== rules.issuer) return refuse(REASONS.bearerInvalid, 'the answer names another issuer');
  const { exp, nbf } = members;
  if (exp !== undefined && (typeof exp !== 'number' || nowSec > exp + rules.clockSkewSec)) return refuse(REASONS.bearerExpired, 'the token has expired');
  if (nbf !== undefined && (typeof nbf !== 'number' || nowSec + rules.clockSkewSec < nbf)) return refuse(REASONS.bearerInvalid, 'the token is not valid yet');
  if (!provesAudience(members, rules)) return refuse(REASONS.bearerWrongAudience, `the answer's ${rules.audienceClaim} names none of the issuer's audiences`);
  const claims: Record<string, unknown> = { ...members };
  delete claims.active;
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    if (typeof claims.client_id !== 'string' || claims.client_id === '') return refuse(REASONS.bearerInvalid, 'the answer names neither sub nor client_id');
    claims.sub = claims.client_id;
  }
  return { ok: true, claims };
}

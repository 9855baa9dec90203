/**
 * Builds the session identity at sign-in: the configured claims mapping over the ID token's
 * claims, merged with UserInfo when the `userinfo` setting asks for it or the ID token lacks a
 * mapped claim. No principal fails the sign-in with a reason the user can read.
 */
import type { ClaimsConfig } from './claims/claims-config.ts';
import { mapClaims } from './claims/map-claims.ts';
import { mergeUserinfoClaims } from './claims/merge-userinfo.ts';
import type { Identity } from '../session/session-record.ts';

/** Claims that describe the token rather than the user; they are not kept with the session. */
const PROTOCOL_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'at_hash', 'c_hash', 's_hash', 'jti', 'sid', 'azp', 'auth_time']);

/** The outcome of mapping. */
export type IdentityResult =
  | { readonly ok: true; readonly identity: Identity; readonly usedUserinfo: boolean }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Fetches UserInfo; undefined when the provider has no endpoint or no access token was issued. */
export type UserinfoFetcher = () => Promise<Record<string, unknown> | undefined>;

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function storedClaims(claims: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims)) if (!PROTOCOL_CLAIMS.has(name)) kept[name] = value;
  return kept;
}

/**
 * Maps claims to the identity.
 * @throws whatever `fetchUserinfo` throws when UserInfo is required (`userinfo: always`) or the
 * ID token alone yields no principal; with `auto` a failed fetch falls back to the ID token
 */
export async function identityFromClaims(
  config: ClaimsConfig,
  idTokenClaims: Readonly<Record<string, unknown>>,
  fetchUserinfo: UserinfoFetcher,
): Promise<IdentityResult> {
  const sub = optionalString(idTokenClaims.sub);
  if (sub === undefined) return { ok: false, problems: ['the ID token has no sub claim'] };
  let mapping = mapClaims(config, { ...idTokenClaims });
  let claims: Readonly<Record<string, unknown>> = idTokenClaims;
  let usedUserinfo = false;
  if (mapping.needsUserinfo) {
    let userinfo: Record<string, unknown> | undefined;
    try {
      userinfo = await fetchUserinfo();
    } catch (err) {
      if (config.userinfo === 'always' || !mapping.identity) throw err;
    }
    if (userinfo !== undefined) {
      mapping = mapClaims(config, { ...idTokenClaims }, userinfo);
      const merged = mergeUserinfoClaims(idTokenClaims, userinfo);
      if (merged.claims) claims = merged.claims;
      usedUserinfo = true;
    }
  }
  const mapped = mapping.identity;
  if (!mapped) return { ok: false, problems: mapping.problems.length > 0 ? mapping.problems : ['no principal'] };
  return {
    ok: true,
    usedUserinfo,
    identity: {
      sub,
      user: mapped.username,
      // A provider that says the address is unverified does not get to assert it.
      email: claims.email_verified === false ? undefined : mapped.email,
      groups: mapped.groups,
      preferredUsername: optionalString(claims.preferred_username),
      name: mapped.name,
      dn: mapped.dn,
      claims: storedClaims(claims),
    },
  };
}

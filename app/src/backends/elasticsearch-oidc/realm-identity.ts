/**
 * The session identity of a sign-in through Elasticsearch's OpenID Connect realm, from the
 * `authentication` object Elasticsearch answers (the shape of `_security/_authenticate`).
 * Elasticsearch is the relying party here, so who signed in is what its realm decided: the
 * principal its claims mapping chose, and the roles its role mappings granted — those become the
 * identity's groups, so `allowed_groups` and `group_mappings` see Elasticsearch's roles. The
 * provider's claims come back as user metadata `oidc(<claim>)` (unless the realm sets
 * `populate_user_metadata: false`); they are kept as the identity's claims, without the ones that
 * describe a token rather than the user.
 */
import type { Identity } from '../../session/session-record.ts';

/** Claims about the token, not the user; `id_token_hint` is the provider's ID token itself. */
const PROTOCOL_CLAIMS: ReadonlySet<string> = new Set([
  'iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'at_hash', 'c_hash', 's_hash', 'jti', 'sid', 'azp', 'auth_time', 'id_token_hint',
]);
const METADATA_CLAIM = /^oidc\((.+)\)$/;

/** The mapped identity, or why none could be made. */
export type RealmIdentity = { readonly ok: true; readonly identity: Identity } | { readonly ok: false; readonly problem: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The provider's claims from Elasticsearch's user metadata `oidc(<claim>)`. */
function claimsOf(metadata: unknown): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  if (!isRecord(metadata)) return claims;
  for (const [key, value] of Object.entries(metadata)) {
    const name = METADATA_CLAIM.exec(key)?.[1];
    if (name !== undefined && !PROTOCOL_CLAIMS.has(name)) claims[name] = value;
  }
  return claims;
}

/** Maps `authentication`; pure, never throws. */
export function identityFromAuthentication(authentication: Readonly<Record<string, unknown>>): RealmIdentity {
  const user = text(authentication.username);
  if (user === undefined) return { ok: false, problem: 'Elasticsearch named no username' };
  const roles = Array.isArray(authentication.roles) ? authentication.roles.filter((r): r is string => typeof r === 'string') : [];
  const metadata = isRecord(authentication.metadata) ? authentication.metadata : {};
  const claims = claimsOf(metadata);
  return {
    ok: true,
    identity: {
      // The provider's subject when the realm passed it on: a back-channel or "everywhere" sign-out finds the sessions by it.
      sub: text(metadata['oidc(sub)']) ?? user,
      user,
      email: text(authentication.email),
      groups: roles,
      preferredUsername: text(claims.preferred_username),
      name: text(authentication.full_name),
      dn: undefined,
      claims,
    },
  };
}

/**
 * The user an OpenID Connect realm of the Elasticsearch stand-in (not Elasticsearch) makes of an
 * ID token's claims, as Elastic's OpenID Connect guide's "Claims mapping" says: the principal
 * required, groups, name and mail, every claim also as metadata `oidc(<claim>)`; role mappings
 * are the subset `{roles, groups?}` of the rule DSL, a mapping without groups matching every user
 * of the realm.
 */
import type { StandInOidcRealm } from './oidc-realm-settings.ts';
import type { StandInUser } from './user-table.ts';

/**
 * The user of `claims` in `realm`.
 * @throws Error when the principal claim is missing, as the realm refuses such a token
 */
export function userOfClaims(realm: StandInOidcRealm, claims: Record<string, unknown>): StandInUser {
  const values = (claim: string | undefined): string[] => {
    const value = claim === undefined ? undefined : claims[claim];
    return typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  };
  const principal = values(realm.claims.principal)[0];
  if (!principal) throw new Error(`claims.principal [${realm.claims.principal}] not found in the claims`);
  const groups = values(realm.claims.groups);
  const roles = new Set<string>();
  for (const mapping of realm.roleMappings ?? []) if (mapping.groups === undefined || groups.includes(mapping.groups)) mapping.roles.forEach((r) => roles.add(r));
  const metadata: Record<string, unknown> = {};
  // Dates (exp, iat, auth_time) are left out of the metadata, as the realm filters them.
  for (const [key, value] of Object.entries(claims)) if (!['exp', 'iat', 'auth_time', 'nbf'].includes(key)) metadata[`oidc(${key})`] = value;
  return { username: principal, roles: [...roles], full_name: values(realm.claims.name)[0] ?? null, email: values(realm.claims.mail)[0] ?? null, metadata, enabled: true };
}

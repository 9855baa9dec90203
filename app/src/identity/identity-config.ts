/**
 * The identity model's settings from the config file — claims mapping, roles, named policies and
 * claim headers — parsed together so that start-up, `--check-config` and a reload report every
 * problem at once and agree on what is valid.
 */
import { createHash } from 'node:crypto';
import type { ClaimsConfig } from './claims/claims-config.ts';
import { parseClaimsConfig } from './claims/parse-claims-config.ts';
import { parseHeaderConfig, type HeaderConfig } from './headers/header-config.ts';
import { parseRoleMappings } from './role-mapping/parse-rules.ts';
import { parseGroupRoleSettings } from './roles/group-mappings.ts';
import { parseProviderIdentities, type ProviderIdentity } from './provider-identity.ts';
import type { RoleSettings } from './roles/compute-roles.ts';
import { parsePolicies } from '../policy/named/parse-policies.ts';
import type { NamedPolicy } from '../policy/named/policy-types.ts';
import { parseHtpasswdGroups, type HtpasswdGroups } from '../sources/htpasswd/htpasswd-groups.ts';

/** The config-file sections this module reads. */
export const IDENTITY_SECTIONS: readonly string[] = Object.freeze([
  'claims',
  'group_mappings',
  'default_roles',
  'default_roles_mode',
  'role_mappings',
  'realm_name',
  'policies',
  'headers',
  'htpasswd',
  'providers',
]);

/** Everything that turns claims into an identity, roles, a decision and headers. */
export interface IdentityConfig {
  readonly claims: ClaimsConfig;
  readonly roles: RoleSettings;
  readonly policies: ReadonlyMap<string, NamedPolicy>;
  readonly headers: HeaderConfig;
  /** The `htpasswd` section: the groups of htpasswd users, by user. */
  readonly htpasswdGroups: HtpasswdGroups;
  /** Each listed provider's claims mapping and roles, by provider id (the `providers` list). */
  readonly providers: ReadonlyMap<string, ProviderIdentity>;
  /**
   * A digest of the sections: equal on every replica that read the same file, so a reload is
   * noticed and views built under an older config are rebuilt.
   */
  readonly fingerprint: string;
}

/** Parses the identity sections of a parsed config file; problems are appended. */
export function parseIdentityConfig(file: Readonly<Record<string, unknown>>, problems: string[]): IdentityConfig {
  const claims = parseClaimsConfig(file.claims);
  problems.push(...claims.problems);
  const groupRoles = parseGroupRoleSettings(file, problems);
  const roleMappings = parseRoleMappings(file.role_mappings);
  problems.push(...roleMappings.problems);
  const realmName = file.realm_name ?? 'gatehouse';
  if (typeof realmName !== 'string' || realmName.length === 0) problems.push('realm_name: must be a non-empty string');
  const policies = parsePolicies(file.policies);
  problems.push(...policies.problems);
  const headers = parseHeaderConfig(file.headers, problems);
  const htpasswdGroups = parseHtpasswdGroups(file.htpasswd, problems);
  const providers = parseProviderIdentities(file, { claims: claims.config, groupRoles, roleMappings: roleMappings.mappings }, problems);
  const sections: Record<string, unknown> = {};
  for (const name of IDENTITY_SECTIONS) sections[name] = file[name] ?? null;
  return {
    claims: claims.config,
    roles: {
      ...groupRoles,
      roleMappings: roleMappings.mappings,
      realmName: typeof realmName === 'string' && realmName.length > 0 ? realmName : 'gatehouse',
    },
    policies: policies.policies,
    headers,
    htpasswdGroups,
    providers,
    fingerprint: createHash('sha256').update(JSON.stringify(sections)).digest('base64url').slice(0, 16),
  };
}

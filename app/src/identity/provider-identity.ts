/**
 * Each listed provider's own claims mapping and role settings, from its entry in the config
 * file's `providers` list: a key it sets replaces the top-level one for its users, a key it
 * leaves out is the top-level one. Its `realm_name` (what role-mapping rules see as
 * `realm.name`) is its id unless it sets one, so one `role_mappings` section can tell the
 * providers apart. Parsed with the rest of the identity model, so a reload applies it.
 */
import type { ClaimsConfig } from './claims/claims-config.ts';
import { parseClaimsConfig } from './claims/parse-claims-config.ts';
import { parseRoleMappings } from './role-mapping/parse-rules.ts';
import type { RoleMapping } from './role-mapping/types.ts';
import type { RoleSettings } from './roles/compute-roles.ts';
import { parseGroupRoleSettings, type GroupRoleSettings } from './roles/group-mappings.ts';

/** The identity keys a provider entry may set. */
export const PROVIDER_IDENTITY_KEYS: readonly string[] = Object.freeze([
  'claims',
  'group_mappings',
  'default_roles',
  'default_roles_mode',
  'role_mappings',
  'realm_name',
]);

const GROUP_KEYS = ['group_mappings', 'default_roles', 'default_roles_mode'] as const;

/** What turns one provider's claims into an identity and roles. */
export interface ProviderIdentity {
  readonly claims: ClaimsConfig;
  readonly roles: RoleSettings;
}

/** The top-level settings a provider falls back to, already parsed. */
export interface TopLevelIdentity {
  readonly claims: ClaimsConfig;
  readonly groupRoles: GroupRoleSettings;
  readonly roleMappings: readonly RoleMapping[];
}

const isMapping = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses the identity keys of every entry with a usable id; problems are appended, prefixed with
 * `providers.<id>`. Entries without one are left to the connection checks, which report them.
 */
export function parseProviderIdentities(
  file: Readonly<Record<string, unknown>>,
  top: TopLevelIdentity,
  problems: string[],
): ReadonlyMap<string, ProviderIdentity> {
  const identities = new Map<string, ProviderIdentity>();
  if (!Array.isArray(file.providers)) return identities;
  for (const entry of file.providers) {
    if (!isMapping(entry) || typeof entry.id !== 'string' || entry.id.length === 0) continue;
    const id = entry.id;
    const own: string[] = [];
    let claims = top.claims;
    if (entry.claims !== undefined) {
      const parsed = parseClaimsConfig(entry.claims);
      own.push(...parsed.problems);
      claims = parsed.config;
    }
    // The group keys are read together, as at the top level; untouched ones come from the top level.
    const groupRoles = GROUP_KEYS.some((key) => entry[key] !== undefined)
      ? parseGroupRoleSettings(Object.fromEntries(GROUP_KEYS.map((key) => [key, entry[key] ?? file[key]])), own)
      : top.groupRoles;
    let roleMappings = top.roleMappings;
    if (entry.role_mappings !== undefined) {
      const parsed = parseRoleMappings(entry.role_mappings);
      own.push(...parsed.problems);
      roleMappings = parsed.mappings;
    }
    const realmName = entry.realm_name ?? id;
    if (typeof realmName !== 'string' || realmName.length === 0) own.push('realm_name: must be a non-empty string');
    problems.push(...own.map((problem) => `providers.${id}: ${problem}`));
    identities.set(id, Object.freeze({
      claims,
      roles: Object.freeze({ ...groupRoles, roleMappings, realmName: typeof realmName === 'string' && realmName.length > 0 ? realmName : id }),
    }));
  }
  return identities;
}

/**
 * The roles of an identity: the union of what `group_mappings` and the Elastic-style
 * `role_mappings` give, plus `default_roles` as configured — only when neither gave any role
 * (`fallback`, elastauth's behaviour) or always (`always`). Pure; never throws on any identity.
 */
import { resolveRoles } from '../role-mapping/match-rules.ts';
import type { RoleMapping, UserData } from '../role-mapping/types.ts';
import { rolesFromGroups, type GroupRoleSettings } from './group-mappings.ts';

/** The role-related settings the computation needs. */
export interface RoleSettings extends GroupRoleSettings {
  readonly roleMappings: readonly RoleMapping[];
  /** `realm.name` as role-mapping rules see it. */
  readonly realmName: string;
}

/** The identity fields roles are computed from. */
export interface RoleSubject {
  readonly user: string;
  readonly groups: readonly string[];
  readonly dn?: string | undefined;
  readonly claims: Readonly<Record<string, unknown>>;
}

/** The computed roles and where they came from, for logs and tests. */
export interface RoleResult {
  readonly roles: readonly string[];
  /** Names of the role mappings that matched. */
  readonly matchedMappings: readonly string[];
  readonly usedDefaults: boolean;
}

/**
 * Elastic's OIDC realm exposes every claim as user metadata `oidc(<claim>)`, so rules written
 * for it (`metadata.oidc(department)`) keep working here.
 */
function metadataOf(claims: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims)) metadata[`oidc(${name})`] = value;
  return metadata;
}

/** Computes the roles of `subject` under `settings`. */
export function computeRoles(settings: RoleSettings, subject: RoleSubject): RoleResult {
  const roles = new Set(rolesFromGroups(subject.groups, settings.groupMappings));
  let matchedMappings: string[] = [];
  if (settings.roleMappings.length > 0) {
    const user: UserData = {
      username: subject.user,
      groups: [...subject.groups],
      metadata: metadataOf(subject.claims),
      realm: { name: settings.realmName },
      ...(subject.dn !== undefined && { dn: subject.dn }),
    };
    const resolved = resolveRoles(settings.roleMappings, user);
    matchedMappings = resolved.matched;
    for (const role of resolved.roles) roles.add(role);
  }
  const usedDefaults = settings.defaultRolesMode === 'always' || roles.size === 0;
  if (usedDefaults) for (const role of settings.defaultRoles) roles.add(role);
  return { roles: [...roles], matchedMappings, usedDefaults: usedDefaults && settings.defaultRoles.length > 0 };
}

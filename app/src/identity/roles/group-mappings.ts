/**
 * elastauth's role settings: `group_mappings` (group → roles, group names matched
 * case-insensitively) and `default_roles`, with `default_roles_mode` saying whether the defaults
 * are a fallback when nothing matched (what elastauth's code does) or always added (what its docs
 * say). Every problem is reported at once, each naming its config path; nothing here throws.
 */
import { isPlainObject } from '../role-mapping/config-path.ts';

/** When `default_roles` apply. */
export type DefaultRolesMode = 'fallback' | 'always';

/** The parsed role settings of elastauth's model. */
export interface GroupRoleSettings {
  /** Keyed by the lower-cased group name. */
  readonly groupMappings: ReadonlyMap<string, readonly string[]>;
  readonly defaultRoles: readonly string[];
  readonly defaultRolesMode: DefaultRolesMode;
}

const MAX_NAME = 1024;
const MODES: readonly DefaultRolesMode[] = ['fallback', 'always'];


/** A role name: a non-empty string without control characters, as Elasticsearch accepts. */
function roleProblem(role: unknown): string | undefined {
  if (typeof role !== 'string' || role.trim().length === 0) return 'must be a non-empty string';
  if (role.length > MAX_NAME) return `is longer than ${MAX_NAME} characters`;
  if (/[\u0000-\u001f\u007f-\u009f]/.test(role)) return 'holds a control character';
  if (role !== role.trim()) return 'has leading or trailing spaces';
  return undefined;
}

/** Parses a list of role names at `path`; undefined when it has problems. */
export function parseRoleList(value: unknown, path: string, problems: string[]): string[] | undefined {
  if (!Array.isArray(value)) {
    problems.push(`${path}: must be a list of role names`);
    return undefined;
  }
  const before = problems.length;
  value.forEach((role, index) => {
    const problem = roleProblem(role);
    if (problem) problems.push(`${path}[${index}]: ${problem}`);
  });
  return problems.length === before ? [...new Set(value as string[])] : undefined;
}

/** Parses `group_mappings`, `default_roles` and `default_roles_mode` from the config file. */
export function parseGroupRoleSettings(
  file: Readonly<Record<string, unknown>>,
  problems: string[],
): GroupRoleSettings {
  const groupMappings = new Map<string, string[]>();
  const rawMappings = file.group_mappings;
  if (rawMappings !== undefined && rawMappings !== null) {
    if (!isPlainObject(rawMappings)) problems.push('group_mappings: must be a mapping of group name to a list of roles');
    else {
      for (const [group, roles] of Object.entries(rawMappings)) {
        const path = `group_mappings.${group}`;
        if (group.trim().length === 0) {
          problems.push(`group_mappings: a group name is empty`);
          continue;
        }
        const parsed = parseRoleList(roles, path, problems);
        if (!parsed) continue;
        const key = group.toLowerCase();
        // Two spellings of one group would otherwise silently shadow each other.
        if (groupMappings.has(key)) problems.push(`${path}: the group is already mapped under another spelling (names match case-insensitively)`);
        else groupMappings.set(key, parsed);
      }
    }
  }
  const rawDefaults = file.default_roles;
  const defaultRoles =
    rawDefaults === undefined || rawDefaults === null ? [] : (parseRoleList(rawDefaults, 'default_roles', problems) ?? []);
  const rawMode = file.default_roles_mode ?? 'fallback';
  if (!MODES.includes(rawMode as DefaultRolesMode)) {
    problems.push(`default_roles_mode: must be one of ${MODES.join(', ')} (got ${JSON.stringify(rawMode)})`);
  }
  return {
    groupMappings,
    defaultRoles,
    defaultRolesMode: MODES.includes(rawMode as DefaultRolesMode) ? (rawMode as DefaultRolesMode) : 'fallback',
  };
}

/** The roles that `group_mappings` give these groups, in group order, without duplicates. */
export function rolesFromGroups(groups: readonly string[], mappings: ReadonlyMap<string, readonly string[]>): string[] {
  const roles = new Set<string>();
  if (mappings.size === 0) return [];
  for (const group of groups) {
    const mapped = mappings.get(group.toLowerCase());
    if (mapped) for (const role of mapped) roles.add(role);
  }
  return [...roles];
}

/**
 * Validates the `role_mappings` configuration section: a map of mapping name to
 * `{ enabled?, roles, rules, metadata? }`, with rules in Elastic's role-mapping DSL.
 *
 * A mapping with any problem is left out of the result, so a typo can only withhold roles,
 * never grant them; the caller decides whether problems should stop startup.
 */
import { childPath, isPlainObject } from './config-path.ts';
import { parseRule } from './parse-rule-tree.ts';
import type { RoleMapping } from './types.ts';

export { parseRule } from './parse-rule-tree.ts';

/** The root of every reported path. */
export const SECTION = 'role_mappings';

const MAPPING_KEYS = ['enabled', 'roles', 'rules', 'metadata'];

function parseRoles(input: unknown, path: string, problems: string[]): string[] | undefined {
  if (input === undefined) {
    problems.push(`${path}: is required`);
    return undefined;
  }
  if (!Array.isArray(input)) {
    problems.push(`${path}: must be an array of role names`);
    return undefined;
  }
  const before = problems.length;
  input.forEach((role, i) => {
    if (typeof role !== 'string' || role.trim() === '') problems.push(`${path}[${i}]: must be a non-empty string`);
  });
  return problems.length > before ? undefined : (input as string[]);
}

function parseMetadata(input: unknown, path: string, problems: string[]): Record<string, unknown> | undefined {
  if (input === undefined) return {};
  if (!isPlainObject(input)) {
    problems.push(`${path}: must be an object`);
    return undefined;
  }
  const reserved = Object.keys(input).filter((k) => k.startsWith('_'));
  for (const key of reserved) problems.push(`${childPath(path, key)}: keys beginning with _ are reserved`);
  return reserved.length > 0 ? undefined : { ...input };
}

function parseMapping(name: string, input: unknown, problems: string[]): RoleMapping | undefined {
  const path = childPath(SECTION, name);
  if (!isPlainObject(input)) {
    problems.push(`${path}: must be an object with roles and rules`);
    return undefined;
  }
  const before = problems.length;
  for (const key of Object.keys(input)) {
    if (key === 'role_templates') problems.push(`${childPath(path, key)}: role templates are not supported; use roles`);
    else if (!MAPPING_KEYS.includes(key)) problems.push(`${childPath(path, key)}: is not a recognised mapping key`);
  }
  const enabled = input['enabled'] ?? true;
  if (typeof enabled !== 'boolean') problems.push(`${childPath(path, 'enabled')}: must be a boolean`);
  const roles = parseRoles(input['roles'], childPath(path, 'roles'), problems);
  const rulesPath = childPath(path, 'rules');
  if (input['rules'] === undefined) problems.push(`${rulesPath}: is required`);
  const rules = input['rules'] === undefined ? undefined : parseRule(input['rules'], rulesPath, problems);
  const metadata = parseMetadata(input['metadata'], childPath(path, 'metadata'), problems);
  if (problems.length > before || !roles || !rules || !metadata) return undefined;
  return { name, enabled: enabled === true, roles: [...roles], rules, metadata };
}

/**
 * Parses the value of a `role_mappings` section. An absent section (`undefined` or `null`)
 * means no mappings. Reports every problem found, each prefixed with its path, and never
 * throws; only mappings without problems are returned, in configuration order.
 */
export function parseRoleMappings(input: unknown): { mappings: RoleMapping[]; problems: string[] } {
  const mappings: RoleMapping[] = [];
  const problems: string[] = [];
  if (input === undefined || input === null) return { mappings, problems };
  if (!isPlainObject(input)) {
    problems.push(`${SECTION}: must be a map of mapping name to mapping`);
    return { mappings, problems };
  }
  for (const [name, value] of Object.entries(input)) {
    try {
      const mapping = parseMapping(name, value, problems);
      if (mapping) mappings.push(mapping);
    } catch {
      // Only reachable with exotic inputs such as throwing getters; fail closed for that mapping.
      problems.push(`${childPath(SECTION, name)}: could not be read`);
    }
  }
  return { mappings, problems };
}

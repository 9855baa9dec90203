/**
 * The user search filter: the configured template with `{login}` replaced by the login escaped
 * as RFC 4515 §3 says (`*`, `(`, `)`, `\` and NUL as `\XX`), so whatever a client types is one
 * assertion value and never filter syntax: `*)(uid=*` searches for that literal string.
 */
import { ldapPackage } from '../../optional-packages.ts';

/** The placeholder the template holds. */
export const LOGIN_PLACEHOLDER = '{login}';

const SPECIAL: Readonly<Record<string, string>> = { '*': '\\2a', '(': '\\28', ')': '\\29', '\\': '\\5c', '\u0000': '\\00' };

/** Escapes an assertion value (RFC 4515 §3). */
export function escapeFilterValue(value: string): string {
  return value.replace(/[*()\\\u0000]/g, (c) => SPECIAL[c] as string);
}

/** The filter for `login`. */
export function userFilter(template: string, login: string): string {
  return template.split(LOGIN_PLACEHOLDER).join(escapeFilterValue(login));
}

/** Why `template` cannot be the user filter, or undefined when it can. */
export function userFilterProblem(template: string): string | undefined {
  if (!template.includes(LOGIN_PLACEHOLDER)) return `must contain ${LOGIN_PLACEHOLDER}, where the login goes`;
  if (!template.startsWith('(') || !template.endsWith(')')) return 'must be one parenthesised filter, e.g. (&(objectClass=person)(uid={login}))';
  // One filter from the first ( to the last ): anything after an early close would be a second one.
  const bare = template.replace(/\\[0-9A-Fa-f]{2}/g, 'x');
  let depth = 0;
  for (let i = 0; i < bare.length; i++) {
    if (bare[i] === '(') depth += 1;
    else if (bare[i] === ')') depth -= 1;
    if (depth < 0 || (depth === 0 && i < bare.length - 1)) return 'must be one parenthesised filter with balanced parentheses';
  }
  if (depth !== 0) return 'has unbalanced parentheses';
  // Outside the try: a package that cannot be loaded is no fault of the filter's.
  const { FilterParser } = ldapPackage();
  try {
    const parsed = FilterParser.parseString(userFilter(template, 'probe'));
    if (parsed.toString().length === 0) return 'does not parse as an LDAP filter';
  } catch (err) {
    return `does not parse as an LDAP filter (${(err as Error).message})`;
  }
  return undefined;
}

/**
 * Validates one role-mapping rule tree and compiles its patterns. Every problem is collected
 * with its path so a configuration can be fixed in one pass.
 */
import { childPath, isPlainObject } from './config-path.ts';
import { compileStringPattern } from './string-pattern.ts';
import type { FieldValue, Rule } from './types.ts';

/** Deeper rule trees are refused so evaluation cannot exhaust the stack. */
export const MAX_RULE_DEPTH = 64;

const RULE_KEYS = ['any', 'all', 'field', 'except'];

function parseValue(value: unknown, path: string, problems: string[]): FieldValue | undefined {
  if (value === null) return { kind: 'null' };
  if (typeof value === 'boolean') return { kind: 'boolean', value };
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return { kind: 'number', value: Math.trunc(value) };
    problems.push(`${path}: must be a finite number`);
    return undefined;
  }
  if (typeof value === 'string') {
    const pattern = compileStringPattern(value);
    if (typeof pattern === 'string') {
      problems.push(`${path}: ${pattern}`);
      return undefined;
    }
    return pattern ? { kind: 'string', value, pattern } : { kind: 'string', value };
  }
  problems.push(`${path}: must be a string, number, boolean or null`);
  return undefined;
}

function parseField(input: unknown, path: string, problems: string[]): Rule | undefined {
  if (!isPlainObject(input)) {
    problems.push(`${path}: must be an object with exactly one field name`);
    return undefined;
  }
  const names = Object.keys(input);
  if (names.length !== 1) {
    problems.push(
      names.length === 0
        ? `${path}: does not contain a field name`
        : `${path}: contains multiple field names [${names.join(', ')}]`,
    );
    return undefined;
  }
  const field = names[0] as string;
  const raw = input[field];
  const valuePath = childPath(path, field);
  const before = problems.length;
  const values = Array.isArray(raw)
    ? raw.map((v, i) => parseValue(v, `${valuePath}[${i}]`, problems))
    : [parseValue(raw, valuePath, problems)];
  if (problems.length > before) return undefined;
  return { kind: 'field', field, values: values as FieldValue[] };
}

function parseNode(input: unknown, path: string, insideAll: boolean, depth: number, problems: string[]): Rule | undefined {
  if (depth > MAX_RULE_DEPTH) {
    problems.push(`${path}: rules are nested deeper than ${MAX_RULE_DEPTH} levels`);
    return undefined;
  }
  if (!isPlainObject(input)) {
    problems.push(`${path}: must be an object with one of any, all, field or except`);
    return undefined;
  }
  const keys = Object.keys(input);
  if (keys.length !== 1) {
    problems.push(
      keys.length === 0
        ? `${path}: rule does not contain any fields`
        : `${path}: rule contains multiple fields [${keys.join(', ')}]`,
    );
    return undefined;
  }
  const key = keys[0] as string;
  const value = input[key];
  const inner = childPath(path, key);
  if (!RULE_KEYS.includes(key)) {
    problems.push(`${path}: field [${key}] is not recognised; expected any, all, field or except`);
    return undefined;
  }
  if (key === 'field') return parseField(value, inner, problems);
  if (key === 'except') {
    if (!insideAll) problems.push(`${path}: except is only allowed directly inside all`);
    const rule = parseNode(value, inner, false, depth + 1, problems);
    return rule && insideAll ? { kind: 'except', rule } : undefined;
  }
  if (!Array.isArray(value)) {
    problems.push(`${inner}: must be an array of rules`);
    return undefined;
  }
  const before = problems.length;
  const rules = value.map((child, i) => parseNode(child, `${inner}[${i}]`, key === 'all', depth + 1, problems));
  if (problems.length > before) return undefined;
  return { kind: key === 'all' ? 'all' : 'any', rules: rules as Rule[] };
}

/**
 * Validates `input` as a rule. Returns the rule, or `undefined` after appending at least one
 * problem (each prefixed with `path`) to `problems`. Never throws.
 */
export function parseRule(input: unknown, path: string, problems: string[]): Rule | undefined {
  return parseNode(input, path, false, 0, problems);
}

/**
 * The `claims` condition of a named policy: claim path → { equals?, one_of?, matches? }.
 */
import { compileAnchored } from './anchored-regex.ts';
import { describe, isMapping, key, own, ownKeys } from './config-values.ts';
import type { ClaimCondition, ClaimScalar } from './policy-types.ts';

const OPERATORS = new Set(['equals', 'one_of', 'matches']);
const MAX_CLAIM_PATH = 256;
const MAX_ONE_OF = 1000;

function isScalar(value: unknown): value is ClaimScalar {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}

function claimPath(text: string): string[] | undefined {
  if (text.length === 0 || text.length > MAX_CLAIM_PATH) return undefined;
  const segments = text.split('.');
  return segments.every((segment) => segment.length > 0) ? segments : undefined;
}

function parseCondition(text: string, value: unknown, at: string, problems: string[]): ClaimCondition | undefined {
  const path = claimPath(text);
  if (!path) problems.push(`${at}: ${describe(text)} is not a dotted claim path`);
  if (!isMapping(value)) {
    problems.push(`${at}: must be a mapping of equals, one_of or matches`);
    return undefined;
  }
  const names = ownKeys(value);
  for (const name of names) if (!OPERATORS.has(name)) problems.push(`${at}${key(name)}: unknown key`);
  if (!names.some((name) => OPERATORS.has(name))) problems.push(`${at}: needs equals, one_of or matches`);
  const condition: { text: string; path: string[]; equals?: ClaimScalar; oneOf?: ClaimScalar[]; matches?: RegExp } = {
    text,
    path: path ?? [],
  };
  let ok = path !== undefined;
  if (Object.hasOwn(value, 'equals')) {
    const equals = own(value, 'equals');
    if (isScalar(equals)) condition.equals = equals;
    else {
      problems.push(`${at}.equals: ${describe(equals)} is not a string, number or boolean`);
      ok = false;
    }
  }
  if (Object.hasOwn(value, 'one_of')) {
    const oneOf = own(value, 'one_of');
    if (!Array.isArray(oneOf) || oneOf.length === 0 || oneOf.length > MAX_ONE_OF) {
      problems.push(`${at}.one_of: must be a non-empty list of at most ${MAX_ONE_OF} values`);
      ok = false;
    } else {
      oneOf.forEach((item: unknown, index) => {
        if (!isScalar(item)) {
          problems.push(`${at}.one_of[${index}]: ${describe(item)} is not a string, number or boolean`);
          ok = false;
        }
      });
      condition.oneOf = oneOf.filter(isScalar);
    }
  }
  if (Object.hasOwn(value, 'matches')) {
    const matches = own(value, 'matches');
    const compiled = typeof matches === 'string' ? compileAnchored(matches) : 'is not a string';
    if (typeof compiled === 'string') {
      problems.push(`${at}.matches: ${describe(matches)} ${compiled}`);
      ok = false;
    } else condition.matches = compiled;
  }
  return ok ? condition : undefined;
}

/**
 * Parses a `claims` mapping, appending every problem found.
 * @param at the problem path of the mapping, e.g. "policies.admins.claims"
 */
export function parseClaims(value: unknown, at: string, problems: string[]): ClaimCondition[] | undefined {
  if (!isMapping(value) || ownKeys(value).length === 0) {
    problems.push(`${at}: must be a non-empty mapping of claim path to condition`);
    return undefined;
  }
  const conditions: ClaimCondition[] = [];
  for (const text of ownKeys(value)) {
    const condition = parseCondition(text, own(value, text), `${at}[${describe(text)}]`, problems);
    if (condition) conditions.push(condition);
  }
  return conditions;
}

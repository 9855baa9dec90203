/**
 * Turns a user into per-field predicates over rule values, following Elastic's
 * `UserRoleMapper.UserData.asModel`: `username`, `realm.name` and `metadata.<key>` compare by
 * type, `dn` and `groups` compare as distinguished names, and unknown or missing fields match
 * only `null`.
 */
import { isDescendantOf, parseDn, sameDn } from './distinguished-name.ts';
import type { FieldValue, UserData } from './types.ts';

/** Tests one rule value against a user field. */
export type ValueTest = (value: FieldValue) => boolean;

const MISSING: ValueTest = (v) => v.kind === 'null';
const NEVER: ValueTest = () => false;

// Same length first, as Java's equalsIgnoreCase compares character by character.
function equalsIgnoreCase(a: string, b: string): boolean {
  return a.length === b.length && (a === b || a.toLowerCase() === b.toLowerCase() || a.toUpperCase() === b.toUpperCase());
}

/** Typed comparison for scalar and list attributes. */
function valueTest(attribute: unknown): ValueTest {
  if (attribute === null || attribute === undefined) return MISSING;
  if (typeof attribute === 'boolean') return (v) => v.kind === 'boolean' && v.value === attribute;
  if (typeof attribute === 'number') return (v) => v.kind === 'number' && v.value === attribute;
  if (typeof attribute === 'bigint') return (v) => v.kind === 'number' && BigInt(v.value) === attribute;
  if (typeof attribute === 'string') {
    return (v) => v.kind === 'string' && (v.pattern ? v.pattern.test(attribute) : v.value === attribute);
  }
  if (Array.isArray(attribute)) {
    // An empty list matches nothing, not even null, as in Elastic.
    const tests = attribute.map(valueTest);
    return (v) => tests.some((t) => t(v));
  }
  return NEVER;
}

/** DN-aware comparison for `dn` and each of `groups`. */
function dnTest(raw: string): ValueTest {
  const dn = parseDn(raw);
  const lower = raw.toLowerCase();
  const upper = raw.toUpperCase();
  return (v) => {
    if (v.kind !== 'string') return false;
    const pattern = v.pattern;
    if (!pattern) {
      if (equalsIgnoreCase(v.value, raw)) return true;
      if (!dn) return false;
      const other = parseDn(v.value);
      return other ? sameDn(dn, other) : equalsIgnoreCase(v.value, dn.normalized);
    }
    if (pattern.test(raw) || (dn && pattern.test(dn.normalized)) || pattern.test(lower) || pattern.test(upper)) {
      return true;
    }
    if (!dn || !pattern.source.startsWith('*,')) return false;
    // "*,<dn>" with no other wildcard is a subtree rule: any DN strictly below <dn>.
    const suffix = pattern.source.slice(2);
    if (suffix.includes('*')) return false;
    const ancestor = parseDn(suffix);
    return ancestor !== undefined && isDescendantOf(dn, ancestor);
  };
}

function groupsTest(groups: unknown): ValueTest {
  if (!Array.isArray(groups)) return NEVER;
  const tests = groups.filter((g): g is string => typeof g === 'string').map(dnTest);
  return (v) => tests.some((t) => t(v));
}

function ownValue(record: unknown, key: string): unknown {
  return typeof record === 'object' && record !== null && Object.hasOwn(record, key)
    ? (record as Record<string, unknown>)[key]
    : undefined;
}

function buildTest(user: UserData, field: string): ValueTest {
  switch (field) {
    case 'username':
      return typeof user.username === 'string' ? valueTest(user.username) : MISSING;
    case 'dn':
      return typeof user.dn === 'string' ? dnTest(user.dn) : MISSING;
    case 'groups':
      return groupsTest(user.groups);
    case 'realm.name': {
      const name = ownValue(user.realm, 'name');
      return typeof name === 'string' ? valueTest(name) : MISSING;
    }
  }
  // Metadata is flat: "metadata.a.b" reads the key "a.b", never a nested object.
  if (field.startsWith('metadata.')) return valueTest(ownValue(user.metadata, field.slice('metadata.'.length)));
  return MISSING;
}

/** Returns a lookup from field name to its test, building each test at most once. */
export function userModel(user: UserData): (field: string) => ValueTest {
  const cache = new Map<string, ValueTest>();
  return (field) => {
    let test = cache.get(field);
    if (!test) {
      test = buildTest(user, field);
      cache.set(field, test);
    }
    return test;
  };
}

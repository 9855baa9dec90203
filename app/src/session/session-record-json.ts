/**
 * SessionRecord as JSON for stores outside this process. JSON drops properties whose value is
 * undefined, and a record read back must equal the one written, so the record's own undefined
 * fields travel as null (its fields are never null); claims are JSON from the provider and travel
 * as they are, nulls included. A value read back is checked field by field: one written by
 * another version, or damaged, reads as no session rather than failing the check that reads it.
 */
import type { SessionRecord } from './session-record.ts';

/** Serialises a record, keeping its undefined properties (claims are JSON already and travel as they are). */
export function recordToJson(record: SessionRecord): string {
  return JSON.stringify({
    ...nullForUndefined(record),
    identity: { ...nullForUndefined(record.identity), claims: record.identity.claims },
    tokens: nullForUndefined(record.tokens),
  });
}

/** Parses what {@link recordToJson} wrote; undefined for anything else. */
export function recordFromJson(text: string): SessionRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || parsed.version !== 2 || !isObject(parsed.identity) || !isObject(parsed.tokens)) return undefined;
  // The parsed objects are this function's own, so they are changed in place: copying them cost
  // more than the parse on the Redis store's read path.
  const { identity, tokens } = parsed;
  undefineNulls(parsed);
  const { claims } = identity;
  undefineNulls(identity);
  identity.claims = claims;
  undefineNulls(tokens);
  return isSessionRecord(parsed) ? parsed : undefined;
}

function nullForUndefined(object: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, value === undefined ? null : value]));
}

// JSON.parse makes own data properties only, a "__proto__" key included: defining rather than
// assigning keeps such a key from reaching the prototype.
function undefineNulls(object: Record<string, unknown>): void {
  for (const key of Object.keys(object)) {
    if (object[key] !== null) continue;
    if (key === '__proto__') Object.defineProperty(object, key, { value: undefined, enumerable: true, writable: true, configurable: true });
    else object[key] = undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const optionalString = (value: unknown): boolean => value === undefined || typeof value === 'string';
const optionalTime = (value: unknown): boolean => value === undefined || Number.isFinite(value);

/** True when `value` has every field a SessionRecord needs, each of the right type. */
export function isSessionRecord(value: unknown): value is SessionRecord {
  if (!isObject(value) || value.version !== 2) return false;
  if (!Number.isFinite(value.createdAt) || !Number.isFinite(value.expiresAt) || !optionalTime(value.refreshedAt)) return false;
  if (!optionalString(value.sid)) return false;
  const { identity, tokens } = value;
  if (!isObject(identity) || !isObject(tokens)) return false;
  if (typeof identity.sub !== 'string' || typeof identity.user !== 'string') return false;
  for (const field of ['email', 'preferredUsername', 'name', 'dn', 'provider']) if (!optionalString(identity[field])) return false;
  if (!Array.isArray(identity.groups) || !identity.groups.every((group) => typeof group === 'string')) return false;
  if (!isObject(identity.claims)) return false;
  if (typeof tokens.idToken !== 'string' || !optionalString(tokens.accessToken) || !optionalString(tokens.refreshToken)) return false;
  return optionalTime(tokens.accessTokenExpiresAt);
}

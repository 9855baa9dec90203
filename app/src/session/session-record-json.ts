/**
 * SessionRecord as JSON for stores outside this process. JSON drops properties whose value is
 * undefined, and a record read back must equal the one written, so undefined travels as null;
 * records never hold null themselves.
 */
import type { SessionRecord } from './session-record.ts';

/** Serialises a record, keeping its undefined properties. */
export function recordToJson(record: SessionRecord): string {
  return JSON.stringify(record, (_key, value: unknown) => (value === undefined ? null : value));
}

/** Parses what {@link recordToJson} wrote; undefined for anything else. */
export function recordFromJson(text: string): SessionRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { version?: unknown }).version !== 2) return undefined;
  return restoreUndefined(parsed) as SessionRecord;
}

function restoreUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => (item === null ? undefined : restoreUndefined(item)));
  if (typeof value !== 'object' || value === null) return value;
  const object = value as Record<string, unknown>;
  for (const [key, item] of Object.entries(object)) object[key] = item === null ? undefined : restoreUndefined(item);
  return object;
}

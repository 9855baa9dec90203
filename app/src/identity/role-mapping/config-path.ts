/** Helpers for the configuration paths that prefix every reported problem. */

/** True for a non-null, non-array object such as a parsed YAML or JSON map. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Appends `key` to `path`, quoting keys that would otherwise make the path ambiguous. */
export function childPath(path: string, key: string): string {
  return /^[A-Za-z0-9_.-]+$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

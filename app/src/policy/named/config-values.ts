/**
 * Small readers for YAML-shaped configuration values, shared by the policy parsers.
 */

/** A mapping as YAML or JSON parsing produces it. */
export type Mapping = Readonly<Record<string, unknown>>;

/** Whether a value is a mapping (a non-null, non-array object). */
export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short, printable rendering of any value for a problem message. */
export function describe(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = typeof value;
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A property name as it appears in a problem path: bare when plain, quoted otherwise. */
export function key(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? `.${name}` : `[${describe(name)}]`;
}

/** The own keys of a mapping; getters and inherited names are never consulted. */
export function ownKeys(mapping: Mapping): string[] {
  return Object.keys(mapping);
}

/** An own property, or undefined. */
export function own(mapping: Mapping, name: string): unknown {
  return Object.hasOwn(mapping, name) ? mapping[name] : undefined;
}

/**
 * Small readers for values of an elastauth configuration tree. Each appends a problem naming the
 * key path and returns undefined when the value has the wrong shape, so a translator can go on and
 * report every problem at once. Values that came through `${VAR}` expansion are strings, so the
 * boolean and number readers also take their string spellings.
 */

/** What the translators produce: gatehouse variables, native sections and warnings. */
export interface Translation {
  /** gatehouse environment variables; real environment variables are layered over these. */
  readonly env: Record<string, string>;
  /** gatehouse-native config-file sections, such as `claims` or `group_mappings`. */
  readonly sections: Record<string, unknown>;
  /** Settings that were ignored or only partly honoured, each naming its key path. */
  readonly warnings: string[];
}

/** A plain mapping (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property only, so `constructor` or `__proto__` never reach the prototype. */
export function own(record: Readonly<Record<string, unknown>>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Reports every key of `section` not in `known`. */
export function checkKnownKeys(section: Readonly<Record<string, unknown>>, known: readonly string[], where: string, problems: string[]): void {
  for (const key of Object.keys(section)) {
    if (!known.includes(key)) problems.push(`${where}.${key}: unknown key (known: ${known.join(', ')})`);
  }
}

/** A section that must be a mapping when present; absent or null reads as empty. */
export function readSection(value: unknown, where: string, problems: string[]): Readonly<Record<string, unknown>> | undefined {
  if (value === undefined || value === null) return undefined;
  if (isRecord(value)) return value;
  problems.push(`${where}: expected a mapping`);
  return undefined;
}

/**
 * A string. A YAML number or boolean is refused rather than converted: YAML has already rewritten
 * it (`0123` reads as 123), so the only faithful fix is to quote it.
 */
export function readString(value: unknown, where: string, problems: string[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  const hint = typeof value === 'number' || typeof value === 'boolean' ? '; quote it so YAML keeps it as written' : '';
  problems.push(`${where}: expected a string${hint}`);
  return undefined;
}

/** A non-empty string; an empty one is a problem. */
export function readNonEmpty(value: unknown, where: string, problems: string[]): string | undefined {
  const text = readString(value, where, problems);
  if (text === '') problems.push(`${where}: is empty`);
  return text === '' ? undefined : text;
}

/** true or false, or their string spellings. */
export function readBool(value: unknown, where: string, problems: string[]): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  problems.push(`${where}: expected true or false`);
  return undefined;
}

/** A whole number in [min, max], or its decimal string spelling. */
export function readInt(value: unknown, min: number, max: number, where: string, problems: string[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const n = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isInteger(n) && n >= min && n <= max) return n;
  problems.push(`${where}: expected a whole number from ${min} to ${max}`);
  return undefined;
}

/** One list item and the key path that names it. */
export interface ListEntry {
  readonly value: string;
  readonly where: string;
}

/**
 * A list given as a YAML sequence of strings or as one comma-separated string (the form
 * elastauth's environment variables use), each item with its key path. Items are trimmed; in a
 * string, blanks between commas are dropped as elastauth does, but a blank sequence item (often an
 * empty `${VAR}`) is a problem.
 */
export function readListEntries(value: unknown, where: string, problems: string[]): ListEntry[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    return value.split(',').map((item) => item.trim()).filter(Boolean).map((item) => ({ value: item, where }));
  }
  if (!Array.isArray(value)) {
    problems.push(`${where}: expected a list or a comma-separated string`);
    return undefined;
  }
  const entries: ListEntry[] = [];
  value.forEach((item, index) => {
    const at = `${where}[${index}]`;
    if (typeof item !== 'string') problems.push(`${at}: expected a string`);
    else if (item.trim() === '') problems.push(`${at}: is empty`);
    else entries.push({ value: item.trim(), where: at });
  });
  return entries;
}

/** The values of {@link readListEntries}. */
export function readList(value: unknown, where: string, problems: string[]): string[] | undefined {
  return readListEntries(value, where, problems)?.map((entry) => entry.value);
}

/** One of `choices`, exactly as written. */
export function readChoice<T extends string>(value: unknown, choices: readonly T[], where: string, problems: string[]): T | undefined {
  const text = readString(value, where, problems);
  if (text === undefined) return undefined;
  const found = choices.find((choice) => choice === text);
  if (found === undefined) problems.push(`${where}: "${text}" is not one of ${choices.join(', ')}`);
  return found;
}

/** Reading attribute values from an ldapts search entry, whose attribute names keep the server's case. */
import type { Entry } from 'ldapts';

/** The first string value of `attribute` (matched case-insensitively), or undefined. */
export function firstValue(entry: Entry, attribute: string): string | undefined {
  const wanted = attribute.toLowerCase();
  for (const [name, value] of Object.entries(entry)) {
    if (name.toLowerCase() !== wanted || name === 'dn') continue;
    const first = Array.isArray(value) ? value[0] : value;
    if (first === undefined) return undefined;
    const text = Buffer.isBuffer(first) ? first.toString('utf8') : String(first);
    return text.length > 0 ? text : undefined;
  }
  return undefined;
}

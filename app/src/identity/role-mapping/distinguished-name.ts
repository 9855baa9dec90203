/**
 * Just enough LDAP distinguished-name handling (RFC 4514) for role mapping: parse, normalise
 * and test ancestry. Normalisation lower-cases attribute names and values, drops whitespace
 * around separators and collapses inner runs of spaces, which is how case-ignore values compare
 * in a directory without a schema.
 */

/** A parsed DN: RDNs from leaf to root, each a sorted list of normalised `type=value` parts. */
export interface DistinguishedName {
  readonly rdns: readonly string[];
  /** The RDNs joined with `,`. */
  readonly normalized: string;
}

/** Values longer than this are not treated as DNs. */
const MAX_DN_LENGTH = 8_192;

const ATTRIBUTE_TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;

function escapeValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, (c) => `\\${c}`);
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

function normalizeValue(raw: string): string {
  return raw.trim().replace(/ {2,}/g, ' ').toLowerCase();
}

/** Reads one attribute value starting at `i`; returns the value and the index after it. */
function readValue(text: string, i: number): [string, number] | undefined {
  let value = '';
  if (text[i] === '"') {
    for (i++; i < text.length && text[i] !== '"'; i++) {
      if (text[i] === '\\') i++;
      value += text[i] ?? '';
    }
    return i < text.length ? [value, i + 1] : undefined;
  }
  if (text[i] === '#') {
    const hex = /^#([0-9A-Fa-f]{2})+/.exec(text.slice(i));
    return hex ? [hex[0].toLowerCase(), i + hex[0].length] : undefined;
  }
  for (; i < text.length && !',;+'.includes(text[i] as string); i++) {
    if (text[i] !== '\\') {
      value += text[i];
      continue;
    }
    const pair = text.slice(i + 1, i + 3);
    if (/^[0-9A-Fa-f]{2}$/.test(pair)) {
      // Hex pairs are UTF-8 bytes; collect consecutive ones so multi-byte characters decode.
      const bytes: number[] = [];
      while (text[i] === '\\' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
        bytes.push(Number.parseInt(text.slice(i + 1, i + 3), 16));
        i += 3;
      }
      value += Buffer.from(bytes).toString('utf8');
      i--;
    } else if (i + 1 < text.length) {
      value += text[++i];
    } else {
      return undefined;
    }
  }
  return [value, i];
}

/** Parses `text` as a DN, or returns `undefined` when it is not one. */
export function parseDn(text: string): DistinguishedName | undefined {
  if (text.length > MAX_DN_LENGTH) return undefined;
  if (text.trim() === '') return { rdns: [], normalized: '' };
  const rdns: string[] = [];
  let parts: string[] = [];
  let i = 0;
  for (;;) {
    const eq = text.indexOf('=', i);
    if (eq < 0) return undefined;
    const type = text.slice(i, eq).trim();
    if (!ATTRIBUTE_TYPE.test(type)) return undefined;
    i = eq + 1;
    while (text[i] === ' ') i++;
    const read = readValue(text, i);
    if (!read) return undefined;
    const [raw, end] = read;
    const trailing = text.slice(end).match(/^ */)?.[0].length ?? 0;
    i = end + trailing;
    parts.push(`${type.toLowerCase()}=${escapeValue(normalizeValue(raw))}`);
    const sep = text[i];
    if (sep === '+') {
      i++;
      continue;
    }
    rdns.push(parts.sort().join('+'));
    parts = [];
    if (sep === undefined) break;
    if (sep !== ',' && sep !== ';') return undefined;
    i++;
  }
  return { rdns, normalized: rdns.join(',') };
}

/** True when both DNs have the same normalised RDNs. */
export function sameDn(a: DistinguishedName, b: DistinguishedName): boolean {
  return a.normalized === b.normalized;
}

/** True when `dn` sits strictly below `ancestor` (a DN is not its own descendant). */
export function isDescendantOf(dn: DistinguishedName, ancestor: DistinguishedName): boolean {
  const extra = dn.rdns.length - ancestor.rdns.length;
  if (extra <= 0) return false;
  return ancestor.rdns.every((rdn, k) => dn.rdns[extra + k] === rdn);
}

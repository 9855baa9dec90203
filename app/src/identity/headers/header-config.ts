/**
 * The `headers` config section: claim headers in EasyAuth's style, either one header per claim
 * under a name prefix, or one combined JSON header, with values URL-encoded, base64-encoded or
 * sent as they are. Every problem is reported at once; nothing here throws.
 *
 *     headers:
 *       claims:
 *         format: separate          # or combined
 *         prefix: X-Auth-Request-Claim-
 *         combined_header: X-Auth-Request-Claims
 *         encoding: url             # or base64, none
 *         include: [department, realm_access.roles, {claim: "https://example.com/tenant", header: tenant}]
 */
import { isPlainObject } from '../role-mapping/config-path.ts';
import type { ClaimSource } from '../claims/claims-config.ts';
import { pathSource } from '../claims/claims-config.ts';

/** How claim values are written into header values. */
export type ClaimEncoding = 'url' | 'base64' | 'none';

/** One claim sent upstream. */
export interface ClaimHeader {
  readonly source: ClaimSource;
  /** The full header name (prefix included) in separate format; the JSON key in combined format. */
  readonly name: string;
}

/** The parsed section. */
export interface HeaderConfig {
  readonly format: 'separate' | 'combined';
  readonly encoding: ClaimEncoding;
  readonly combinedHeader: string;
  readonly claims: readonly ClaimHeader[];
}

/** Header names gatehouse always owns; a claim header may not take one. */
export const RESERVED_HEADERS: readonly string[] = [
  'x-auth-request-user',
  'x-auth-request-email',
  'x-auth-request-groups',
  'x-auth-request-preferred-username',
  'x-auth-request-roles',
  'x-auth-request-access-token',
  'authorization',
];

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;
const SECTION_KEYS = new Set(['claims']);
const CLAIM_KEYS = new Set(['format', 'prefix', 'combined_header', 'encoding', 'include']);
const ENTRY_KEYS = new Set(['path', 'claim', 'header']);
const ENCODINGS: readonly ClaimEncoding[] = ['url', 'base64', 'none'];

/** The config used when the section is absent: no claim headers. */
export const DEFAULT_HEADER_CONFIG: HeaderConfig = Object.freeze({
  format: 'separate',
  encoding: 'url',
  combinedHeader: 'X-Auth-Request-Claims',
  claims: Object.freeze([]),
});


/**
 * EasyAuth's naming: a URI claim keeps its last path segment, characters that cannot appear in a
 * header name go, `_` and `.` become `-`, and the result is lower-cased.
 */
export function headerSuffixFor(label: string): string {
  const base = label.includes('://') ? (label.replace(/\/+$/, '').split('/').pop() ?? '') : label;
  return base
    .replace(/[_.]/g, '-')
    .replace(/[^!#$%&'*+^`|~0-9A-Za-z-]/g, '')
    .toLowerCase();
}

function unknownKeys(value: Record<string, unknown>, known: Set<string>, path: string, problems: string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) problems.push(`${path}: unknown key "${key}"; known keys: ${[...known].join(', ')}`);
  }
}

function parseSource(entry: unknown, path: string, problems: string[]): { source: ClaimSource; header?: string } | undefined {
  const text = typeof entry === 'string' ? entry : undefined;
  if (text !== undefined) {
    if (text.length === 0) return void problems.push(`${path}: is empty`);
    if (text.includes('://')) return { source: { kind: 'claim', name: text, label: text } };
    if (text.split('.').some((segment) => segment.length === 0)) return void problems.push(`${path}: '${text}' has an empty path segment`);
    return { source: pathSource(text) };
  }
  if (!isPlainObject(entry)) return void problems.push(`${path}: must be a claim path or a mapping with path or claim`);
  unknownKeys(entry, ENTRY_KEYS, path, problems);
  const { path: dotted, claim, header } = entry;
  if ((dotted === undefined) === (claim === undefined)) return void problems.push(`${path}: give exactly one of path and claim`);
  if (header !== undefined && (typeof header !== 'string' || header.length === 0)) return void problems.push(`${path}.header: must be a non-empty string`);
  const named = claim !== undefined ? (typeof claim === 'string' && claim.length > 0 ? claim : undefined) : undefined;
  if (claim !== undefined && named === undefined) return void problems.push(`${path}.claim: must be a non-empty string`);
  const parsed = named !== undefined ? { source: { kind: 'claim', name: named, label: named } as ClaimSource } : parseSource(dotted, `${path}.path`, problems);
  return parsed && (header === undefined ? parsed : { ...parsed, header: header as string });
}

/** Parses the `headers` section. */
export function parseHeaderConfig(input: unknown, problems: string[]): HeaderConfig {
  if (input === undefined || input === null) return DEFAULT_HEADER_CONFIG;
  if (!isPlainObject(input)) {
    problems.push('headers: must be a mapping');
    return DEFAULT_HEADER_CONFIG;
  }
  unknownKeys(input, SECTION_KEYS, 'headers', problems);
  const section = input.claims;
  if (section === undefined || section === null) return DEFAULT_HEADER_CONFIG;
  if (!isPlainObject(section)) {
    problems.push('headers.claims: must be a mapping');
    return DEFAULT_HEADER_CONFIG;
  }
  unknownKeys(section, CLAIM_KEYS, 'headers.claims', problems);
  const format = section.format ?? 'separate';
  if (format !== 'separate' && format !== 'combined') problems.push('headers.claims.format: must be separate or combined');
  const encoding = (section.encoding ?? 'url') as ClaimEncoding;
  if (!ENCODINGS.includes(encoding)) problems.push(`headers.claims.encoding: must be one of ${ENCODINGS.join(', ')}`);
  const prefix = section.prefix ?? 'X-Auth-Request-Claim-';
  if (typeof prefix !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]{0,64}$/.test(prefix)) problems.push('headers.claims.prefix: must be header-name characters only');
  const combinedHeader = section.combined_header ?? DEFAULT_HEADER_CONFIG.combinedHeader;
  if (typeof combinedHeader !== 'string' || !TOKEN.test(combinedHeader)) problems.push('headers.claims.combined_header: must be a valid header name');
  else if (RESERVED_HEADERS.includes(combinedHeader.toLowerCase())) problems.push(`headers.claims.combined_header: ${combinedHeader} is reserved`);
  const include = section.include ?? [];
  if (!Array.isArray(include)) problems.push('headers.claims.include: must be a list of claims');
  const claims: ClaimHeader[] = [];
  const seen = new Set<string>();
  (Array.isArray(include) ? include : []).forEach((entry, index) => {
    const path = `headers.claims.include[${index}]`;
    const parsed = parseSource(entry, path, problems);
    if (!parsed) return;
    const suffix = parsed.header ?? headerSuffixFor(parsed.source.label);
    const name = format === 'combined' ? suffix : `${typeof prefix === 'string' ? prefix : ''}${suffix}`;
    if (format !== 'combined' && !TOKEN.test(name)) return void problems.push(`${path}: "${name}" is not a valid header name`);
    if (name.length === 0) return void problems.push(`${path}: yields an empty name; set header`);
    if (format !== 'combined' && RESERVED_HEADERS.includes(name.toLowerCase())) return void problems.push(`${path}: ${name} is reserved`);
    if (seen.has(name.toLowerCase())) return void problems.push(`${path}: ${name} is used twice`);
    seen.add(name.toLowerCase());
    claims.push({ source: parsed.source, name });
  });
  return Object.freeze({
    format: format === 'combined' ? 'combined' : 'separate',
    encoding: ENCODINGS.includes(encoding) ? encoding : 'url',
    combinedHeader: typeof combinedHeader === 'string' ? combinedHeader : DEFAULT_HEADER_CONFIG.combinedHeader,
    claims: Object.freeze(claims),
  });
}

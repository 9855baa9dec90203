/**
 * Parses the `claims` config section. Every problem is reported at once, each prefixed with its
 * config path, so an operator fixes a config in one round; nothing here throws.
 */
import {
  DEFAULT_CLAIM_PATHS,
  IDENTITY_FIELDS,
  defaultClaimsConfig,
  pathSource,
} from './claims-config.ts';
import type { ClaimSource, ClaimsConfig, FieldMapping, IdentityField, UserinfoMode } from './claims-config.ts';
import { compileClaimPattern } from './compile-claim-pattern.ts';
import { describeError } from './describe-error.ts';

/** Options that come from outside the config file. */
export interface ParseClaimsOptions {
  /** When set, overrides `allow_unanchored_patterns` from the section either way. */
  readonly allowUnanchoredPatterns?: boolean;
}

/** The parsed section; `config` is safe to use only when `problems` is empty. */
export interface ParsedClaimsConfig {
  readonly config: ClaimsConfig;
  readonly problems: string[];
}

const SECTION = 'claims';
const MAX_NAME_LENGTH = 1024;
const USERINFO_MODES: readonly UserinfoMode[] = ['auto', 'always', 'never'];
const TOP_KEYS = new Set<string>([...IDENTITY_FIELDS, 'userinfo', 'allow_unanchored_patterns']);
const FIELD_KEYS = new Set(['path', 'claim', 'pattern']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function parsePath(value: unknown, where: string, problems: string[]): ClaimSource | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    problems.push(`${where}: expected a non-empty dotted claim path such as 'realm_access.roles'`);
    return undefined;
  }
  if (value.length > MAX_NAME_LENGTH) {
    problems.push(`${where}: the path is longer than ${MAX_NAME_LENGTH} characters`);
    return undefined;
  }
  if (value.includes('://')) {
    problems.push(`${where}: '${value}' looks like a URI claim name, which a dotted path cannot address; use claim: '${value}'`);
    return undefined;
  }
  if (value.split('.').some((segment) => segment.length === 0)) {
    problems.push(`${where}: '${value}' has an empty path segment`);
    return undefined;
  }
  return pathSource(value);
}

function parseClaimName(value: unknown, where: string, problems: string[]): ClaimSource | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_LENGTH) {
    problems.push(`${where}: expected an exact claim name of 1 to ${MAX_NAME_LENGTH} characters`);
    return undefined;
  }
  return { kind: 'claim', name: value, label: value };
}

/** The mapping for one field, `null` when the field is disabled, undefined to keep the default. */
function parseField(
  field: IdentityField,
  value: unknown,
  allowUnanchored: boolean,
  problems: string[],
): FieldMapping | null | undefined {
  const where = `${SECTION}.${field}`;
  if (value === undefined) return undefined;
  if (value === null || value === false) {
    if (field === 'username') problems.push(`${where}: the username cannot be disabled; it identifies the user`);
    return field === 'username' ? undefined : null;
  }
  if (typeof value === 'string') {
    const source = parsePath(value, where, problems);
    return source && { source };
  }
  if (!isRecord(value)) {
    problems.push(`${where}: expected a claim path, { path | claim, pattern } or null`);
    return undefined;
  }
  const before = problems.length;
  for (const key of Object.keys(value)) {
    if (!FIELD_KEYS.has(key)) problems.push(`${where}.${key}: unknown key (expected path, claim or pattern)`);
  }
  const claim = own(value, 'claim');
  const path = own(value, 'path');
  // `claim` wins over `path`: it names one top-level claim exactly, the more specific of the two.
  let source: ClaimSource | undefined;
  if (claim !== undefined) source = parseClaimName(claim, `${where}.claim`, problems);
  else if (path !== undefined) source = parsePath(path, `${where}.path`, problems);
  else {
    const fallback = DEFAULT_CLAIM_PATHS[field];
    if (fallback === undefined) problems.push(`${where}: has no default claim; set path or claim`);
    else source = pathSource(fallback);
  }
  const patternSource = own(value, 'pattern');
  let pattern: RegExp | undefined;
  if (typeof patternSource === 'string') {
    const compiled = compileClaimPattern(patternSource, `${where}.pattern`, allowUnanchored);
    problems.push(...compiled.problems);
    pattern = compiled.regex;
  } else if (patternSource !== undefined) {
    problems.push(`${where}.pattern: expected a regular expression string`);
  }
  if (source === undefined || problems.length > before) return undefined;
  return pattern ? { source, pattern } : { source };
}

function parseSection(section: Record<string, unknown>, options: ParseClaimsOptions, problems: string[]): ClaimsConfig {
  for (const key of Object.keys(section)) {
    if (!TOP_KEYS.has(key)) problems.push(`${SECTION}.${key}: unknown key`);
  }
  const rawAllow = own(section, 'allow_unanchored_patterns');
  if (rawAllow !== undefined && typeof rawAllow !== 'boolean') {
    problems.push(`${SECTION}.allow_unanchored_patterns: expected true or false`);
  }
  const allowUnanchoredPatterns = options.allowUnanchoredPatterns ?? rawAllow === true;
  const rawUserinfo = own(section, 'userinfo');
  let userinfo: UserinfoMode = 'auto';
  if (rawUserinfo !== undefined) {
    const mode = USERINFO_MODES.find((candidate) => candidate === rawUserinfo);
    if (mode) userinfo = mode;
    else problems.push(`${SECTION}.userinfo: expected one of ${USERINFO_MODES.join(', ')}`);
  }
  const defaults = defaultClaimsConfig();
  const mapped: Partial<Record<IdentityField, FieldMapping>> = {};
  for (const field of IDENTITY_FIELDS) {
    const parsed = parseField(field, own(section, field), allowUnanchoredPatterns, problems);
    if (parsed === null) continue;
    const chosen = parsed ?? defaults[field];
    if (chosen) mapped[field] = chosen;
  }
  return { ...mapped, username: mapped.username ?? defaults.username, userinfo, allowUnanchoredPatterns };
}

/**
 * Parses a `claims` section (the value under the `claims:` key; absent means all defaults).
 * Each field is a dotted path string, `null`/`false` to disable an optional field, or
 * `{ path | claim, pattern }`, where `claim` names one top-level claim exactly (for URI claim
 * names) and wins when both are given. A field with a problem falls back to its default so the
 * returned config stays well formed, but callers must refuse to start while problems remain.
 */
export function parseClaimsConfig(input: unknown, options: ParseClaimsOptions = {}): ParsedClaimsConfig {
  const problems: string[] = [];
  try {
    if (input === undefined || input === null) {
      const config = defaultClaimsConfig();
      const allow = options.allowUnanchoredPatterns;
      return { config: allow === undefined ? config : { ...config, allowUnanchoredPatterns: allow }, problems };
    }
    if (!isRecord(input)) {
      problems.push(`${SECTION}: expected a mapping of claim settings`);
      return { config: defaultClaimsConfig(), problems };
    }
    return { config: parseSection(input, options, problems), problems };
  } catch (err) {
    // Only exotic input (a throwing getter or proxy) gets here; report it rather than crash startup.
    problems.push(`${SECTION}: could not be read: ${describeError(err)}`);
    return { config: defaultClaimsConfig(), problems };
  }
}

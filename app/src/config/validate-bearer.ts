/**
 * The token part of the configuration: the config file's `bearer` section (the trusted issuers,
 * see bearer-issuer.ts) checked against the identity sources in force. Without the section the
 * `bearer` source trusts the OpenID Provider of GATEHOUSE_OIDC_ISSUER_URL alone, with the client id
 * as audience, as before; with it, exactly the listed issuers. Every problem is appended with its
 * place in the file; nothing throws.
 */
import { describe, isMapping, own } from '../policy/named/config-values.ts';
import { parseIssuer } from './bearer-issuer.ts';
import type { BearerSettings, IssuerSettings } from './bearer-settings.ts';
import { SOURCE_VARIABLES, type SourceName } from './identity-sources.ts';
import type { CleanedEnv } from './schema.ts';

const SECTION_KEYS = ['issuers', 'cache_size'];
const DEFAULT_CACHE_SIZE = 10_000;
const MAX_CACHE_SIZE = 1_000_000;

/** The sources that read the `bearer` section. */
const TOKEN_SOURCES: readonly string[] = ['bearer', 'introspection'];

/** Whether the parsed file lists token issuers (before its entries are checked). */
export function listsIssuers(file: Readonly<Record<string, unknown>>): boolean {
  const section = file.bearer;
  const issuers = isMapping(section) ? own(section, 'issuers') : undefined;
  return Array.isArray(issuers) && issuers.length > 0;
}

/**
 * The "is this variable set" test of the sources' required variables with the file's issuers: the
 * bearer source then needs no GATEHOUSE_OIDC_* provider; a variable stays required when another
 * chosen source (browser sign-in) needs it.
 */
export function requiredWithIssuers(sources: readonly SourceName[], listed: boolean, isSet: (name: string) => boolean): (name: string) => boolean {
  if (!listed) return isSet;
  return (name) => isSet(name) || (SOURCE_VARIABLES[name] ?? []).filter((source) => sources.includes(source)).every((source) => source === 'bearer');
}

function cacheSize(value: unknown, problems: string[]): number {
  if (value === undefined) return DEFAULT_CACHE_SIZE;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_CACHE_SIZE) return value;
  problems.push(`bearer.cache_size: expected a whole number from 1 to ${MAX_CACHE_SIZE}, got ${describe(value)}`);
  return DEFAULT_CACHE_SIZE;
}

/**
 * Builds the settings; undefined when the file has no `bearer` section.
 * @param sources - the identity sources in force
 */
export function validateBearer(env: CleanedEnv, file: Readonly<Record<string, unknown>>, sources: readonly SourceName[], problems: string[]): BearerSettings | undefined {
  const section = file.bearer;
  const uses = (name: string): boolean => (sources as readonly string[]).includes(name);
  if (section === undefined || section === null) {
    if (uses('introspection')) problems.push('GATEHOUSE_IDENTITY_SOURCES: introspection needs the config file to list an issuer with an introspection block under bearer.issuers');
    return undefined;
  }
  if (!isMapping(section)) {
    problems.push(`bearer: expected a mapping with issuers, got ${describe(section)}`);
    return undefined;
  }
  for (const name of Object.keys(section)) if (!SECTION_KEYS.includes(name)) problems.push(`bearer: unknown key "${name}"; known keys: ${SECTION_KEYS.join(', ')}`);
  if (!TOKEN_SOURCES.some(uses)) problems.push('bearer: the config file lists token issuers, but neither bearer nor introspection is among the identity sources (GATEHOUSE_IDENTITY_SOURCES)');
  if (env.GATEHOUSE_BEARER_VALIDATION !== 'jwks') {
    problems.push(`GATEHOUSE_BEARER_VALIDATION=${env.GATEHOUSE_BEARER_VALIDATION} applies only without bearer.issuers; listed issuers verify JWTs by their keys, and opaque tokens go to the introspection source`);
  }
  const list = own(section, 'issuers');
  if (!Array.isArray(list) || list.length === 0) {
    problems.push(`bearer.issuers: expected a non-empty list of issuers, got ${describe(list)}`);
    return undefined;
  }
  const defaults = { allowHttp: env.GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP, timeoutMs: env.GATEHOUSE_OIDC_TIMEOUT };
  const issuers: IssuerSettings[] = [];
  list.forEach((entry: unknown, index) => {
    const issuer = parseIssuer(entry, `bearer.issuers[${index}]`, defaults, problems);
    if (issuer === undefined) return;
    if (issuers.some((known) => known.issuer === issuer.issuer)) problems.push(`bearer.issuers[${index}].issuer: ${issuer.issuer} is listed twice`);
    issuers.push(issuer);
  });
  if (uses('introspection') && !issuers.some((issuer) => issuer.introspection !== undefined)) {
    problems.push('GATEHOUSE_IDENTITY_SOURCES: introspection needs at least one issuer with an introspection block under bearer.issuers');
  }
  return { issuers, cacheSize: cacheSize(own(section, 'cache_size'), problems) };
}

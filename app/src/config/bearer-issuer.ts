/**
 * Parses one entry of `bearer.issuers`: the exact issuer, the audiences a token must name, the
 * algorithm allow-list (asymmetric only: `none` proves nothing and an HMAC keyed with a public key
 * is the classic forgery), the clock skew, the username prefix, the issuer's own claims mapping,
 * its key set location and CA, and its introspection. Every problem is appended with its place in
 * the file; nothing throws.
 */
import { parseClaimsConfig } from '../identity/claims/parse-claims-config.ts';
import { describe, isMapping, own, type Mapping } from '../policy/named/config-values.ts';
import { ASYMMETRIC_ALGORITHMS } from '../sources/bearer/verify-jwt.ts';
import { parseIntrospection } from './bearer-introspection.ts';
import type { IssuerSettings } from './bearer-settings.ts';
import { readMountedFile, readSeconds, readUrl } from './bearer-values.ts';
import { checkPemBundle } from './validate-outbound.ts';

/** What every issuer shares from the environment. */
export interface IssuerDefaults {
  /** GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP: http:// issuers and endpoints for a local test provider. */
  readonly allowHttp: boolean;
  /** GATEHOUSE_OIDC_TIMEOUT. */
  readonly timeoutMs: number;
}

const KEYS = ['issuer', 'audiences', 'jwks_uri', 'discovery_url', 'algorithms', 'clock_skew', 'username_prefix', 'claims', 'ca_file', 'introspection'];
const DEFAULT_CLOCK_SKEW_SEC = 30;
const MAX_CLOCK_SKEW_SEC = 300;
/** A prefix becomes part of X-Auth-Request-User: visible ASCII only. */
const PREFIX = /^[\x21-\x7e]{0,64}$/;

function readStringList(value: unknown, where: string, problems: string[]): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === 'string' && item.length > 0)) {
    problems.push(`${where}: expected a non-empty list of strings, got ${describe(value)}`);
    return undefined;
  }
  return [...new Set(value as string[])];
}

function readAlgorithms(value: unknown, where: string, problems: string[]): readonly string[] {
  if (value === undefined) return ASYMMETRIC_ALGORITHMS;
  const algorithms = readStringList(value, where, problems) ?? [];
  const refused = algorithms.filter((alg) => !ASYMMETRIC_ALGORITHMS.includes(alg));
  if (refused.length > 0) problems.push(`${where}: ${refused.join(', ')} not allowed; choose from ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
  return algorithms;
}

function readCaFile(value: unknown, where: string, problems: string[]): string | undefined {
  if (value === undefined) return undefined;
  const pem = readMountedFile(value, where, problems);
  checkPemBundle(where, pem, problems);
  return pem;
}

/**
 * Parses the entry at `where` (e.g. `bearer.issuers[0]`).
 * @returns the settings, or undefined when the entry cannot be used at all
 */
export function parseIssuer(entry: unknown, where: string, defaults: IssuerDefaults, problems: string[]): IssuerSettings | undefined {
  if (!isMapping(entry)) {
    problems.push(`${where}: expected a mapping with issuer and audiences, got ${describe(entry)}`);
    return undefined;
  }
  const item: Mapping = entry;
  for (const name of Object.keys(item)) if (!KEYS.includes(name)) problems.push(`${where}: unknown key "${name}"; known keys: ${KEYS.join(', ')}`);
  const issuerValue = own(item, 'issuer');
  const issuerUrl = readUrl(issuerValue, `${where}.issuer`, defaults.allowHttp, problems);
  const audiences = readStringList(own(item, 'audiences'), `${where}.audiences`, problems);
  const jwksValue = own(item, 'jwks_uri');
  const jwksUri = jwksValue === undefined ? undefined : readUrl(jwksValue, `${where}.jwks_uri`, defaults.allowHttp, problems);
  const discoveryValue = own(item, 'discovery_url');
  const discoveryUrl = discoveryValue === undefined ? undefined : readUrl(discoveryValue, `${where}.discovery_url`, defaults.allowHttp, problems);
  const algorithms = readAlgorithms(own(item, 'algorithms'), `${where}.algorithms`, problems);
  const skewValue = own(item, 'clock_skew');
  const clockSkewSec = skewValue === undefined ? DEFAULT_CLOCK_SKEW_SEC : readSeconds(skewValue, `${where}.clock_skew`, true, problems);
  if (clockSkewSec !== undefined && clockSkewSec > MAX_CLOCK_SKEW_SEC) problems.push(`${where}.clock_skew: at most ${MAX_CLOCK_SKEW_SEC}s`);
  const prefix = own(item, 'username_prefix') ?? '';
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) problems.push(`${where}.username_prefix: expected up to 64 visible ASCII characters, got ${describe(prefix)}`);
  const claimsValue = own(item, 'claims');
  let claims: IssuerSettings['claims'];
  if (claimsValue !== undefined) {
    const parsed = parseClaimsConfig(claimsValue);
    problems.push(...parsed.problems.map((problem) => `${where}.${problem}`));
    claims = parsed.config;
  }
  const caPem = readCaFile(own(item, 'ca_file'), `${where}.ca_file`, problems);
  const introspectionValue = own(item, 'introspection');
  const introspection = introspectionValue === undefined ? undefined : parseIntrospection(introspectionValue, `${where}.introspection`, defaults.allowHttp, problems);
  if (!issuerUrl || !audiences || typeof issuerValue !== 'string') return undefined;
  return {
    issuer: issuerValue,
    jwksUri,
    discoveryUrl: discoveryUrl ?? new URL(`${issuerValue.replace(/\/$/, '')}/.well-known/openid-configuration`),
    audiences,
    algorithms,
    clockSkewSec: clockSkewSec ?? DEFAULT_CLOCK_SKEW_SEC,
    usernamePrefix: typeof prefix === 'string' ? prefix : '',
    claims,
    caPem,
    timeoutMs: defaults.timeoutMs,
    introspection,
  };
}

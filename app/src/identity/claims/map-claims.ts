/**
 * Maps verified claims to an identity with Elastic's `claims` / `claim_patterns` semantics:
 * a claim is a string or a list; a pattern is a search whose first capture group is the value;
 * values that do not match are dropped; single-valued fields take the first surviving value.
 */
import { IDENTITY_FIELDS } from './claims-config.ts';
import type { ClaimsConfig, FieldMapping } from './claims-config.ts';
import { describeError } from './describe-error.ts';
import { mergeUserinfoClaims } from './merge-userinfo.ts';
import { resolveClaim } from './resolve-claim.ts';

/** The identity a sign-in produces. */
export interface MappedIdentity {
  readonly username: string;
  readonly email?: string;
  readonly groups: string[];
  readonly name?: string;
  readonly dn?: string;
}

/** The outcome: an identity when the username mapped; problems explain a missing one. */
export interface ClaimsMapping {
  readonly identity?: MappedIdentity;
  readonly problems: string[];
  /** The caller should fetch UserInfo and call again with it, per the `userinfo` setting. */
  readonly needsUserinfo: boolean;
}

/** Longer claim strings are ignored: they bound regex work and nothing legitimate is this long. */
export const MAX_CLAIM_VALUE_LENGTH = 4096;
/** Only this many elements of a list claim are considered, bounding work per sign-in. */
export const MAX_CLAIM_VALUES = 1000;

/** The strings a raw claim offers: itself, or the string elements of a list; nothing else counts. */
function candidates(raw: unknown): string[] {
  const items = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw.slice(0, MAX_CLAIM_VALUES) : [];
  return items.filter(
    (item): item is string => typeof item === 'string' && item.length > 0 && item.length <= MAX_CLAIM_VALUE_LENGTH,
  );
}

function applyPattern(values: readonly string[], pattern: RegExp | undefined): string[] {
  if (!pattern) return [...values];
  const kept: string[] = [];
  for (const value of values) {
    // exec() on a non-global regex keeps no state between calls; group 1 empty counts as no match.
    const group = pattern.exec(value)?.[1];
    if (group !== undefined && group.length > 0) kept.push(group);
  }
  return kept;
}

function valuesOf(claims: Readonly<Record<string, unknown>>, mapping: FieldMapping): string[] {
  return applyPattern(candidates(resolveClaim(claims, mapping.source)), mapping.pattern);
}

function usernameProblem(claims: Readonly<Record<string, unknown>>, mapping: FieldMapping): string {
  const label = JSON.stringify(mapping.source.label);
  const raw = resolveClaim(claims, mapping.source);
  if (raw === undefined || raw === null) return `the username claim ${label} is missing`;
  if (candidates(raw).length === 0) return `the username claim ${label} has no usable string value`;
  return `the username claim ${label} did not match its pattern`;
}

/** Whether UserInfo should be fetched before this mapping is final. */
function wantsUserinfo(config: ClaimsConfig, claims: Readonly<Record<string, unknown>>): boolean {
  if (config.userinfo === 'never') return false;
  if (config.userinfo === 'always') return true;
  return IDENTITY_FIELDS.some((field) => {
    const mapping = config[field];
    return mapping !== undefined && resolveClaim(claims, mapping.source) === undefined;
  });
}

function mapMerged(config: ClaimsConfig, claims: Readonly<Record<string, unknown>>, problems: string[]): MappedIdentity | undefined {
  const username = valuesOf(claims, config.username)[0];
  if (username === undefined) {
    problems.push(usernameProblem(claims, config.username));
    return undefined;
  }
  const first = (mapping: FieldMapping | undefined): string | undefined => mapping && valuesOf(claims, mapping)[0];
  const email = first(config.email);
  const name = first(config.name);
  const dn = first(config.dn);
  const groups = config.groups ? [...new Set(valuesOf(claims, config.groups))] : [];
  return {
    username,
    ...(email !== undefined && { email }),
    groups,
    ...(name !== undefined && { name }),
    ...(dn !== undefined && { dn }),
  };
}

/**
 * Maps ID token claims, plus UserInfo claims when given, to an identity. UserInfo is merged with
 * {@link mergeUserinfoClaims} (ID token values win; a `sub` mismatch fails the mapping). Whether
 * to fetch UserInfo is reported in `needsUserinfo` and is false once UserInfo was supplied; the
 * caller also checks that a UserInfo endpoint exists. Never throws.
 */
export function mapClaims(
  config: ClaimsConfig,
  idTokenClaims: Record<string, unknown>,
  userinfo?: Record<string, unknown>,
): ClaimsMapping {
  const problems: string[] = [];
  try {
    let claims: Readonly<Record<string, unknown>> = idTokenClaims;
    if (userinfo !== undefined) {
      const merged = mergeUserinfoClaims(idTokenClaims, userinfo);
      problems.push(...merged.problems);
      if (!merged.claims) return { problems, needsUserinfo: false };
      claims = merged.claims;
    }
    const needsUserinfo = userinfo === undefined && wantsUserinfo(config, idTokenClaims);
    const identity = mapMerged(config, claims, problems);
    return identity ? { identity, problems, needsUserinfo } : { problems, needsUserinfo };
  } catch (err) {
    // Only exotic input (a throwing getter or proxy) gets here; fail the sign-in, not the process.
    problems.push(`the claims could not be read: ${describeError(err)}`);
    return { problems, needsUserinfo: false };
  }
}

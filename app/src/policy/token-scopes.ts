/**
 * The OAuth scopes of a token and the `allowed_scopes=` route key. A token states its scopes in
 * `scope`, space-separated (RFC 9068 §2.2.3, RFC 7662 §2.2), or in `scp`, a list or a
 * space-separated string (Microsoft Entra ID, Okta); both are kept on the identity's claims, so a
 * scope check reads the token that was verified, never the request.
 */
import { PolicyQueryError } from './query-policy.ts';

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const MAX_SCOPES = 64;

const EMPTY: ReadonlySet<string> = new Set();
const known = new WeakMap<object, ReadonlySet<string>>();

function words(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((word) => word.length > 0);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string' && item.length > 0);
  return [];
}

/**
 * The scopes `claims` grant: the union of `scope` and `scp`. Worked out once per claims object
 * (identities are remembered, so a repeated token costs a WeakMap lookup).
 */
export function scopesOf(claims: Readonly<Record<string, unknown>>): ReadonlySet<string> {
  let scopes = known.get(claims);
  if (scopes === undefined) {
    const all = [...words(claims.scope), ...words(claims.scp)];
    scopes = all.length === 0 ? EMPTY : new Set(all);
    known.set(claims, scopes);
  }
  return scopes;
}

/**
 * Parses the value of `allowed_scopes=` (decoded): scopes separated by commas or spaces, any one of
 * which admits the token, like every other `allowed_*` key.
 * @throws PolicyQueryError for a value naming no scope, too many, or a character RFC 6749 does not
 * allow in a scope (such a scope could not be named in a WWW-Authenticate challenge either)
 */
export function parseAllowedScopes(value: string): readonly string[] {
  const scopes = [...new Set(value.split(/[,\s]+/).filter((scope) => scope.length > 0))];
  if (scopes.length === 0) throw new PolicyQueryError('allowed_scopes names no scope');
  if (scopes.length > MAX_SCOPES) throw new PolicyQueryError(`allowed_scopes names more than ${MAX_SCOPES} scopes`);
  const bad = scopes.find((scope) => !SCOPE_TOKEN.test(scope));
  if (bad !== undefined) throw new PolicyQueryError(`allowed_scopes: ${JSON.stringify(bad.slice(0, 100))} is not a scope (RFC 6749 §3.3)`);
  return Object.freeze(scopes);
}

/** Whether `claims` grant one of `allowed`. */
export function holdsScope(allowed: readonly string[], claims: Readonly<Record<string, unknown>>): boolean {
  const scopes = scopesOf(claims);
  return scopes.size > 0 && allowed.some((scope) => scopes.has(scope));
}

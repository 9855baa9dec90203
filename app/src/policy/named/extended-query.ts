/**
 * The auth-url query extended with roles and named policies:
 * - `allowed_roles=a,b` — the subject holds a or b; like the other `allowed_*` keys only the first
 *   occurrence counts;
 * - `allowed_scopes=a,b` — the token grants a or b in its `scope` or `scp` claim (first occurrence
 *   counts); a signed-in person's session rarely holds scopes, so this key is for token routes;
 * - `role=A|B&role=C` — EasyAuth's documented semantics, (A or B) and C, case-sensitive. Unlike
 *   every other key, each repeated `role` adds a requirement: EasyAuth annotations written this way
 *   keep their meaning, and adding a key can only narrow access, never widen it;
 * - `policy=<name>` — a policy from the `policies` section; first occurrence counts, and an
 *   unknown name is an error;
 * - `allowed_groups`, `allowed_emails`, `allowed_email_domains`, `allowed_serviceaccounts` — as in
 *   the base query policy.
 * All parts present must hold.
 */
import { parseQueryPolicy, PolicyQueryError, type QueryPolicy } from '../query-policy.ts';
import { evaluatePolicy, type PolicyDecision, type PolicySubject } from './evaluate-policy.ts';
import { REASONS as R, type Reason } from '../reasons.ts';
import { holdsScope, parseAllowedScopes } from '../token-scopes.ts';
import type { NamedPolicy } from './policy-types.ts';
import type { RequestFacts } from './request-facts.ts';

/** A parsed extended query. */
export interface ExtendedQuery {
  readonly base: QueryPolicy;
  readonly allowedRoles: readonly string[] | undefined;
  /** `allowed_scopes`: one of them must be granted by the token. */
  readonly allowedScopes: readonly string[] | undefined;
  /** each inner list is one `role` parameter: any of it suffices, and every list must be met */
  readonly roleRequirements: readonly (readonly string[])[];
  readonly policy: NamedPolicy | undefined;
}

const MAX_QUERY = 4096;
const EXTENDED = new Set(['allowed_roles', 'allowed_scopes', 'role', 'policy']);

function decode(text: string, pair: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new PolicyQueryError(`malformed percent-encoding in ${JSON.stringify(pair.slice(0, 100))}`);
  }
}

function split(value: string, separator: string): string[] {
  return value
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/**
 * Parses the raw query string (without "?").
 * @throws PolicyQueryError for malformed encoding, an unknown parameter, an empty `role`, or a
 * `policy` name not in `policies`: the check answers these with 500, never with allow
 */
export function parseExtendedQuery(rawQuery: string, policies: ReadonlyMap<string, NamedPolicy>): ExtendedQuery {
  if (rawQuery.length > MAX_QUERY) throw new PolicyQueryError('query longer than 4096 characters');
  const rest: string[] = [];
  let allowedRoles: string[] | undefined;
  let allowedScopes: readonly string[] | undefined;
  let policyName: string | undefined;
  const roleRequirements: string[][] = [];
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq === -1 ? pair : pair.slice(0, eq), pair);
    if (!EXTENDED.has(name)) {
      // The base parser keeps its own rules for its keys and refuses unknown ones.
      rest.push(pair);
      continue;
    }
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1), pair);
    if (name === 'allowed_roles') allowedRoles ??= split(value, ',');
    else if (name === 'policy') policyName ??= value;
    else if (name === 'allowed_scopes') allowedScopes ??= parseAllowedScopes(value);
    else {
      const alternatives = split(value, '|');
      if (alternatives.length === 0) throw new PolicyQueryError('role parameter names no role');
      roleRequirements.push(alternatives);
    }
  }
  let policy: NamedPolicy | undefined;
  if (policyName !== undefined) {
    policy = policies.get(policyName);
    if (policy === undefined) throw new PolicyQueryError(`unknown policy ${JSON.stringify(policyName.slice(0, 100))}`);
  }
  return Object.freeze({ base: parseQueryPolicy(rest.join('&')), allowedRoles, allowedScopes, roleRequirements, policy });
}

/**
 * Decides whether a subject making this request satisfies every part of an extended query.
 * @returns allow with the reasons of each satisfied part, or deny with every failed one
 */
export function evaluateExtendedQuery(query: ExtendedQuery, subject: PolicySubject, facts: RequestFacts): PolicyDecision {
  const parts: PolicyDecision[] = [];
  const { base, allowedRoles } = query;
  const inline: NamedPolicy = {
    name: '',
    ...(base.allowedGroups && { groups: base.allowedGroups }),
    ...(base.allowedEmails && { emails: base.allowedEmails }),
    ...(base.allowedEmailDomains && { emailDomains: base.allowedEmailDomains }),
    ...(allowedRoles && { roles: allowedRoles }),
    ...(base.allowedServiceAccounts && { serviceAccounts: base.allowedServiceAccounts }),
  };
  parts.push(evaluatePolicy(inline, subject, facts));
  for (const alternatives of query.roleRequirements) {
    const ok = alternatives.some((role) => subject.roles.includes(role));
    parts.push({ allow: ok, reasons: [ok ? R.roleOk : R.roleUnauthorized] });
  }
  if (query.policy) parts.push(evaluatePolicy(query.policy, subject, facts));
  if (query.allowedScopes) {
    const ok = holdsScope(query.allowedScopes, subject.claims);
    parts.push({ allow: ok, reasons: [ok ? R.scopeOk : R.scopeInsufficient] });
  }
  const allow = parts.every((part) => part.allow);
  const reasons: Reason[] = [];
  for (const part of parts) {
    if (part.allow !== allow) continue;
    for (const reason of part.reasons) if (!reasons.includes(reason)) reasons.push(reason);
  }
  const meaningful = reasons.length > 1 ? reasons.filter((reason) => reason !== R.noPolicy) : reasons;
  return { allow, reasons: meaningful };
}

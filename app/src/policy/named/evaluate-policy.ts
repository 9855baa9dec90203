/**
 * Named-policy evaluation as a pure function: (policy, subject, request facts) → allow or deny.
 * Every condition present must hold; within one condition any listed value suffices. A condition
 * on the request whose fact is missing or malformed denies: it fails closed.
 */
import { emailDomain } from '../email-domain.ts';
import { matchesBounded } from './anchored-regex.ts';
import { cidrContains, parseIp } from './ip-address.ts';
import { REASONS as R, type Reason } from '../reasons.ts';
import type { ClaimCondition, ClaimScalar, NamedPolicy, PathMatcher } from './policy-types.ts';
import type { RequestFacts } from './request-facts.ts';
import { serviceAccountMatches, type ServiceAccountName } from './service-account-pattern.ts';
import { resolveClaim } from '../../identity/claims/resolve-claim.ts';

/** Who is asking: the signed-in identity with its roles and raw claims. */
export interface PolicySubject {
  readonly user: string;
  readonly email?: string;
  readonly groups: readonly string[];
  readonly roles: readonly string[];
  readonly claims: Readonly<Record<string, unknown>>;
  /** Set only for an identity the Kubernetes API proved to be this ServiceAccount. */
  readonly serviceAccount?: ServiceAccountName | undefined;
}

/** The outcome: on allow the reasons of the satisfied conditions, on deny every failed one. */
export interface PolicyDecision {
  readonly allow: boolean;
  readonly reasons: Reason[];
}

function scalarHolds(condition: ClaimCondition, value: unknown): boolean {
  if (condition.equals !== undefined && value !== condition.equals) return false;
  if (condition.oneOf !== undefined && !condition.oneOf.includes(value as ClaimScalar)) return false;
  if (condition.matches !== undefined && (typeof value !== 'string' || !matchesBounded(condition.matches, value))) return false;
  return true;
}

/** A list-valued claim (such as a groups claim) holds when one of its elements satisfies every operator. */
function claimHolds(condition: ClaimCondition, claims: Readonly<Record<string, unknown>>): boolean {
  const value = resolveClaim(claims, { kind: 'path', segments: condition.path, label: condition.path.join('.') });
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some((item: unknown) => scalarHolds(condition, item));
  return scalarHolds(condition, value);
}

/**
 * Whether a routed path matches. A prefix is segment-aware: "/api" matches "/api" and "/api/x"
 * but neither "/apix" nor "/api;x"; a prefix ending in "/" matches anything below it.
 */
export function pathMatches(matcher: PathMatcher, path: string): boolean {
  if (matcher.kind === 'regex') return matchesBounded(matcher.regex, path);
  const { prefix } = matcher;
  if (prefix.endsWith('/')) return path.startsWith(prefix);
  return path === prefix || path.startsWith(`${prefix}/`);
}

function anyOf<T>(allowed: readonly T[], present: readonly T[]): boolean {
  return present.some((item) => allowed.includes(item));
}

/**
 * Decides whether a subject, making this request, satisfies a named policy. Never throws on
 * well-typed input; a policy with no conditions allows with "no-policy".
 */
export function evaluatePolicy(policy: NamedPolicy, subject: PolicySubject, facts: RequestFacts): PolicyDecision {
  const passed: Reason[] = [];
  const failed: Reason[] = [];
  const check = (ok: boolean, yes: Reason, no: Reason): void => {
    (ok ? passed : failed).push(ok ? yes : no);
  };
  const factsInvalid = (): void => {
    if (!failed.includes(R.requestFactsInvalid)) failed.push(R.requestFactsInvalid);
  };
  if (policy.groups) check(anyOf(policy.groups, subject.groups), R.groupOk, R.groupUnauthorized);
  if (policy.roles) check(anyOf(policy.roles, subject.roles), R.roleOk, R.roleUnauthorized);
  if (policy.emails || policy.emailDomains) {
    // A missing or multi-@ email satisfies no email condition.
    const domain = emailDomain(subject.email);
    if (domain === undefined || subject.email === undefined) failed.push(R.emailInvalid);
    else {
      const email = subject.email.toLowerCase();
      if (policy.emails) check(policy.emails.includes(email), R.emailOk, R.emailUnauthorized);
      if (policy.emailDomains) check(policy.emailDomains.includes(domain), R.emailDomainOk, R.emailDomainUnauthorized);
    }
  }
  if (policy.claims) {
    const claims = policy.claims;
    check(claims.every((condition) => claimHolds(condition, subject.claims)), R.claimOk, R.claimUnauthorized);
  }
  if (policy.methods) {
    if (facts.method === undefined) factsInvalid();
    else check(policy.methods.includes(facts.method), R.methodOk, R.methodUnauthorized);
  }
  if (policy.paths) {
    const path = facts.path;
    if (path === undefined) factsInvalid();
    else check(policy.paths.some((matcher) => pathMatches(matcher, path)), R.pathOk, R.pathUnauthorized);
  }
  if (policy.sourceNetworks) {
    const address = facts.sourceIp === undefined ? undefined : parseIp(facts.sourceIp);
    if (address === undefined) factsInvalid();
    else check(policy.sourceNetworks.some((network) => cidrContains(network, address)), R.networkOk, R.networkUnauthorized);
  }
  if (policy.serviceAccounts) {
    const account = subject.serviceAccount;
    check(account !== undefined && serviceAccountMatches(policy.serviceAccounts, account), R.serviceAccountOk, R.serviceAccountUnauthorized);
  }
  if (failed.length > 0) return { allow: false, reasons: failed };
  return { allow: true, reasons: passed.length > 0 ? passed : [R.noPolicy] };
}

/**
 * Authorization as a pure function: (route policy, subject, request facts) → allow or deny, with
 * the reasons. Every part of the route policy present must hold; within one condition any listed
 * value suffices. Signed in but denied is always a 403 for the caller — no decision here can
 * send a signed-in user back through sign-in.
 */
import { evaluateExtendedQuery, type ExtendedQuery } from './named/extended-query.ts';
import type { PolicySubject } from './named/evaluate-policy.ts';
import type { RequestFacts } from './named/request-facts.ts';
import type { Reason } from './reasons.ts';

/** The outcome of a check. */
export interface Decision {
  readonly allow: boolean;
  readonly reasons: readonly Reason[];
}

/** Facts for policies that look at no request detail. */
export const NO_FACTS: RequestFacts = Object.freeze({ problems: [] });

/**
 * Whether the route policy looks at the original request (method, path, source address), so the
 * check reads those headers only when a policy needs them.
 */
export function needsRequestFacts(query: ExtendedQuery): boolean {
  const policy = query.policy;
  return policy !== undefined && (policy.methods !== undefined || policy.paths !== undefined || policy.sourceNetworks !== undefined);
}

/** Decides whether `subject`, making a request described by `facts`, satisfies `query`. */
export function decide(query: ExtendedQuery, subject: PolicySubject, facts: RequestFacts): Decision {
  return evaluateExtendedQuery(query, subject, facts);
}

/**
 * Decisions remembered per route query and policy subject. A query that looks at no request
 * detail decides the same for the same subject every time (decide is pure), and both objects are
 * made once — the query when its route is first parsed, the subject with the identity's view — so
 * the hot path pays two WeakMap lookups instead of evaluating the policy, and a remembered
 * decision goes when either object does (a policy reload, a forgotten session).
 */
import { decide, needsRequestFacts, NO_FACTS, type Decision } from './decide.ts';
import type { ExtendedQuery } from './named/extended-query.ts';
import type { PolicySubject } from './named/evaluate-policy.ts';
import type { RequestFacts } from './named/request-facts.ts';

/** decide(), with the request facts read only when the query looks at them. */
export type RememberedDecide = (query: ExtendedQuery, subject: PolicySubject, facts: () => RequestFacts) => Decision;

/** Creates an empty memory of decisions. */
export function createRememberedDecisions(): RememberedDecide {
  const byQuery = new WeakMap<ExtendedQuery, WeakMap<PolicySubject, Decision>>();
  return (query, subject, facts) => {
    if (needsRequestFacts(query)) return decide(query, subject, facts());
    let bySubject = byQuery.get(query);
    if (bySubject === undefined) {
      bySubject = new WeakMap();
      byQuery.set(query, bySubject);
    }
    let decision = bySubject.get(subject);
    if (decision === undefined) {
      const decided = decide(query, subject, NO_FACTS);
      // Shared by every later check of this subject on this route: nobody may change it.
      decision = Object.freeze({ allow: decided.allow, reasons: Object.freeze([...decided.reasons]) });
      bySubject.set(subject, decision);
    }
    return decision;
  };
}

/**
 * A named policy's `kubernetes_access`: after every other condition holds, a SubjectAccessReview
 * asks the Kubernetes API whether the ServiceAccount making the request may do what the policy
 * names (its RBAC, or whatever authorizers the cluster runs). Only an identity the serviceaccount
 * source proved is reviewed: a person's username from the OpenID Provider is not a Kubernetes
 * user, and reviewing it could borrow a ServiceAccount's rights, so anyone else is denied.
 * Answers are remembered per (user, groups, uid, extra, attributes) for
 * GATEHOUSE_KUBERNETES_ACCESS_CACHE_TTL; an API that cannot answer is a 503, never an allow.
 */
import type { V1SubjectAccessReviewSpec } from '@kubernetes/client-node';
import type { AppDeps } from '../../deps.ts';
import type { KubernetesAccess, NamedPolicy } from '../../policy/named/policy-types.ts';
import { REASONS, type Reason } from '../../policy/reasons.ts';
import type { Identity } from '../../session/session-record.ts';
import { createAnswerCache, digest } from './answer-cache.ts';
import { kubernetesApiFor } from './kubernetes-api.ts';

/** The outcome of the review. */
export type AccessAnswer =
  | { readonly state: 'allowed' | 'denied'; readonly reason: Reason }
  | { readonly state: 'failed'; readonly status: 503; readonly reason: Reason; readonly err: Error };

/** Reviews a route's policy for an identity; undefined when the policy asks no review. */
export type KubernetesAccessCheck = (policy: NamedPolicy | undefined, identity: Identity) => AccessAnswer | Promise<AccessAnswer> | undefined;

const MAX_REMEMBERED = 10_000;
const ALLOWED: AccessAnswer = Object.freeze({ state: 'allowed', reason: REASONS.kubernetesAccessOk });
const DENIED: AccessAnswer = Object.freeze({ state: 'denied', reason: REASONS.kubernetesAccessUnauthorized });

function attributes(access: KubernetesAccess): Pick<V1SubjectAccessReviewSpec, 'resourceAttributes' | 'nonResourceAttributes'> {
  if ('path' in access) return { nonResourceAttributes: { verb: access.verb, path: access.path } };
  return { resourceAttributes: { verb: access.verb, ...access.resource } };
}

/** Creates the check; without the serviceaccount source every reviewed route denies. */
export function createKubernetesAccessCheck(deps: Pick<AppDeps, 'config' | 'logger' | 'now'>): KubernetesAccessCheck {
  const settings = deps.config.serviceAccount;
  const api = settings ? kubernetesApiFor(deps) : undefined;
  const cache = createAnswerCache<AccessAnswer>(MAX_REMEMBERED, deps.now);
  return (policy, identity) => {
    const access = policy?.kubernetesAccess;
    if (access === undefined) return undefined;
    const account = identity.serviceAccount;
    if (account === undefined || api === undefined || settings === undefined) return DENIED;
    const spec: V1SubjectAccessReviewSpec = {
      user: identity.user,
      groups: [...identity.groups],
      ...(account.uid !== undefined && { uid: account.uid }),
      extra: Object.fromEntries(Object.entries(account.extra).map(([name, values]) => [name, [...values]])),
      ...attributes(access),
    };
    return cache.answer(digest(JSON.stringify(spec)), async () => {
      const answer = await api.reviewAccess(spec);
      if (answer.kind === 'unavailable') {
        return { value: { state: 'failed', status: 503, reason: REASONS.kubernetesUnavailable, err: new Error(answer.detail) }, until: 0 };
      }
      if (answer.kind === 'denied') deps.logger.debug({ user: identity.user, cause: answer.reason }, 'SubjectAccessReview denied');
      return { value: answer.kind === 'allowed' ? ALLOWED : DENIED, until: deps.now() + settings.accessCacheTtlMs };
    });
  };
}

/**
 * The identity of a ServiceAccount as the Kubernetes API's TokenReview named it: the user
 * `system:serviceaccount:<namespace>:<name>` with the groups the API gave (for a ServiceAccount:
 * `system:serviceaccounts`, `system:serviceaccounts:<namespace>` and `system:authenticated`).
 * Only a ServiceAccount is accepted: any other user the API server could authenticate (a node,
 * a person through the cluster's OIDC) is not this source's to admit.
 */
import { isServiceAccountName } from '../../policy/named/service-account-pattern.ts';
import type { Identity } from '../../session/session-record.ts';
import type { ReviewedUser } from './kubernetes-api.ts';

const PREFIX = 'system:serviceaccount:';
/** The extra keys the API server sets on a token bound to a pod (Kubernetes 1.30+ adds node ones). */
const POD_NAME = 'authentication.kubernetes.io/pod-name';
const POD_UID = 'authentication.kubernetes.io/pod-uid';

/**
 * Builds the identity.
 * @returns undefined when the user is not a ServiceAccount
 */
export function serviceAccountIdentity(user: ReviewedUser): Identity | undefined {
  if (!user.username.startsWith(PREFIX)) return undefined;
  const [namespace, name, ...rest] = user.username.slice(PREFIX.length).split(':');
  if (namespace === undefined || name === undefined || rest.length > 0 || !isServiceAccountName(namespace, name)) return undefined;
  const podName = user.extra[POD_NAME]?.[0];
  const podUid = user.extra[POD_UID]?.[0];
  // Shaped like the token's own kubernetes.io claim, for claim headers and claim conditions.
  const kubernetes = {
    namespace,
    serviceaccount: { name, ...(user.uid !== undefined && { uid: user.uid }) },
    ...(podName !== undefined && { pod: { name: podName, ...(podUid !== undefined && { uid: podUid }) } }),
  };
  return Object.freeze({
    sub: user.username,
    user: user.username,
    email: undefined,
    groups: Object.freeze([...user.groups]),
    preferredUsername: undefined,
    name: undefined,
    dn: undefined,
    claims: Object.freeze({ sub: user.username, 'kubernetes.io': kubernetes }),
    serviceAccount: Object.freeze({ namespace, name, uid: user.uid, extra: user.extra }),
  });
}

/**
 * The kube-apiserver stand-in's authorizer (not Kubernetes RBAC, but its documented matching,
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/): a grant is one PolicyRule bound
 * to a user or a group, in one namespace (a RoleBinding) or all of them (a ClusterRoleBinding).
 * A rule matches when the verb, API group, resource (`resource/subresource`) and, if listed, the
 * object name all match, `*` matching anything; a non-resource rule matches a URL exactly or,
 * ending in `*`, by prefix. Nothing is denied outright: RBAC only allows.
 */

/** One bound rule. */
export interface Grant {
  readonly subject: { readonly user: string } | { readonly group: string };
  readonly verbs: readonly string[];
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly resourceNames?: readonly string[];
  /** The RoleBinding's namespace; undefined for a ClusterRoleBinding. */
  readonly namespace?: string;
  readonly nonResourceURLs?: readonly string[];
}

/** What is asked: SubjectAccessReview's attributes, or the stand-in's own API call. */
export interface AccessRequest {
  readonly user: string;
  readonly groups: readonly string[];
  readonly verb: string;
  readonly resource?: { readonly group: string; readonly resource: string; readonly subresource: string; readonly namespace: string; readonly name: string };
  readonly path?: string;
}

const matches = (listed: readonly string[] | undefined, value: string): boolean => listed !== undefined && (listed.includes('*') || listed.includes(value));

function ruleAllows(grant: Grant, request: AccessRequest): boolean {
  if (!matches(grant.verbs, request.verb)) return false;
  if (request.path !== undefined) {
    // Non-resource URLs are only granted cluster-wide.
    if (grant.namespace !== undefined) return false;
    return (grant.nonResourceURLs ?? []).some((url) => url === request.path || (url.endsWith('*') && request.path?.startsWith(url.slice(0, -1))));
  }
  const resource = request.resource;
  if (resource === undefined) return false;
  if (grant.namespace !== undefined && grant.namespace !== resource.namespace) return false;
  const combined = resource.subresource ? `${resource.resource}/${resource.subresource}` : resource.resource;
  if (!matches(grant.apiGroups, resource.group) || !matches(grant.resources, combined)) return false;
  return grant.resourceNames === undefined || grant.resourceNames.length === 0 || grant.resourceNames.includes(resource.name);
}

/** Whether any grant to the user or one of its groups allows the request. */
export function authorize(grants: readonly Grant[], request: AccessRequest): boolean {
  return grants.some((grant) => {
    const subject = grant.subject;
    const bound = 'user' in subject ? subject.user === request.user : request.groups.includes(subject.group);
    return bound && ruleAllows(grant, request);
  });
}

/** The ClusterRole the chart gives gatehouse: create tokenreviews and subjectaccessreviews. */
export function gatehouseGrants(user: string): Grant[] {
  return [
    { subject: { user }, verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'] },
    { subject: { user }, verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['subjectaccessreviews'] },
  ];
}

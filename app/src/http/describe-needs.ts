/**
 * What a route policy requires, in words a person can act on ("membership of admins"), for the
 * denied page. Group, role, email and claim values are named, because they are what a person asks
 * an administrator for; networks and path patterns are not, because they describe the deployment.
 * The words describe the whole requirement, not which part failed: the page says what the app
 * needs, and the person compares it with what they have.
 */
import type { ExtendedQuery } from '../policy/named/extended-query.ts';
import type { ClaimCondition, ClaimScalar, KubernetesAccess, NamedPolicy } from '../policy/named/policy-types.ts';
import type { ServiceAccountPattern } from '../policy/named/service-account-pattern.ts';

/** "a", "a or b", "a, b or c". */
function either(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** A list condition in words; an empty list can never be met, which is said plainly. */
function listNeed(items: readonly string[] | undefined, one: (text: string) => string, none: string): string[] {
  if (items === undefined) return [];
  return [items.length === 0 ? none : one(either(items))];
}

function scalarText(value: ClaimScalar): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

function claimNeed(condition: ClaimCondition): string {
  const parts: string[] = [];
  if (condition.equals !== undefined) parts.push(`equal to ${scalarText(condition.equals)}`);
  if (condition.oneOf !== undefined) parts.push(`one of ${either(condition.oneOf.map(scalarText))}`);
  if (condition.matches !== undefined) parts.push('in the form this application accepts');
  return `the claim ${condition.text}${parts.length > 0 ? ` ${parts.join(' and ')}` : ''}`;
}

function serviceAccountNeed(patterns: readonly ServiceAccountPattern[] | undefined): string[] {
  if (patterns === undefined) return [];
  const each = patterns.map((p) => (p.name === undefined ? `any ServiceAccount of the namespace ${p.namespace}` : `the ServiceAccount ${p.namespace}/${p.name}`));
  return [each.length === 0 ? 'a Kubernetes ServiceAccount (none is accepted)' : `calling as ${either(each)}`];
}

/** "permission in the cluster to get pods/log in the namespace team-a", as RBAC words it. */
function kubernetesAccessNeed(access: KubernetesAccess): string {
  if ('path' in access) return `permission in the cluster to ${access.verb} ${access.path}`;
  const { group, resource, subresource, namespace, name } = access.resource;
  const what = `${resource}${subresource ? `/${subresource}` : ''}${group ? ` (${group})` : ''}${name ? ` named ${name}` : ''}`;
  return `permission in the cluster to ${access.verb} ${what}${namespace ? ` in the namespace ${namespace}` : ''}`;
}

function subjectNeeds(p: {
  readonly groups?: readonly string[] | undefined;
  readonly roles?: readonly string[] | undefined;
  readonly emails?: readonly string[] | undefined;
  readonly emailDomains?: readonly string[] | undefined;
  readonly scopes?: readonly string[] | undefined;
}): string[] {
  return [
    ...listNeed(p.groups, (g) => `membership of ${g}`, 'membership of a group (none is accepted)'),
    ...listNeed(p.roles, (r) => `the role ${r}`, 'a role (none is accepted)'),
    ...listNeed(p.emails, (e) => `the email address ${e}`, 'an email address (none is accepted)'),
    ...listNeed(p.emailDomains, (d) => `an email address at ${d}`, 'an email address (no domain is accepted)'),
    ...listNeed(p.scopes, (s) => `a token granting the scope ${s}`, 'a token scope (none is accepted)'),
  ];
}

function policyNeeds(policy: NamedPolicy): string[] {
  const needs = subjectNeeds(policy);
  for (const condition of policy.claims ?? []) needs.push(claimNeed(condition));
  if (policy.methods !== undefined) needs.push(`a request method of ${either(policy.methods)}`);
  if (policy.paths !== undefined) needs.push('a path this application allows');
  if (policy.sourceNetworks !== undefined) needs.push('a connection from a network this application allows');
  needs.push(...serviceAccountNeed(policy.serviceAccounts));
  if (policy.kubernetesAccess !== undefined) needs.push(kubernetesAccessNeed(policy.kubernetesAccess));
  return needs;
}

/**
 * Describes every requirement of a route policy, one phrase each, without duplicates.
 * @returns an empty list when the route requires nothing beyond being signed in
 */
export function describeNeeds(query: ExtendedQuery): string[] {
  const { base } = query;
  const needs = subjectNeeds({
    groups: base.allowedGroups,
    roles: query.allowedRoles,
    scopes: query.allowedScopes,
    emails: base.allowedEmails,
    emailDomains: base.allowedEmailDomains,
  });
  needs.push(...serviceAccountNeed(base.allowedServiceAccounts));
  for (const alternatives of query.roleRequirements) needs.push(`the role ${either(alternatives)}`);
  if (query.policy) needs.push(...policyNeeds(query.policy));
  return [...new Set(needs)];
}

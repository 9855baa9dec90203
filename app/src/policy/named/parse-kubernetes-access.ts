/**
 * A named policy's `kubernetes_access`: the SubjectAccessReview the Kubernetes API must allow for
 * the ServiceAccount making the request, written with the API's own attribute names:
 * `{ verb: get, group: "", resource: pods, namespace: team-a }` for a resource (also `version`,
 * `subresource`, `name`), or `{ verb: get, path: /metrics }` for a non-resource URL. Values are
 * checked against Kubernetes' own name rules, so a typo is a start-up problem, not a silent deny.
 */
import { describe, isMapping, key, own, ownKeys } from './config-values.ts';
import type { KubernetesAccess } from './policy-types.ts';

const RESOURCE_KEYS = ['group', 'version', 'resource', 'subresource', 'namespace', 'name'] as const;
const KEYS = new Set(['verb', 'path', ...RESOURCE_KEYS]);

/** What each attribute may hold ('*' is the API's wildcard where RBAC has one). */
const SHAPES: Readonly<Record<string, { readonly pattern: RegExp; readonly words: string }>> = {
  verb: { pattern: /^([a-z]{1,63}|\*)$/, words: 'a lower-case verb such as get, list or create, or *' },
  group: { pattern: /^(|\*|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)$/, words: 'an API group ("" for the core group) or *' },
  version: { pattern: /^(|\*|[a-z0-9]{1,63})$/, words: 'an API version such as v1, or *' },
  resource: { pattern: /^(\*|[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)$/, words: 'a resource such as pods, or *' },
  subresource: { pattern: /^(|[a-z0-9]{1,63})$/, words: 'a subresource such as log' },
  namespace: { pattern: /^(|[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)$/, words: 'a namespace name ("" for every namespace)' },
  name: { pattern: /^[A-Za-z0-9._:@-]{0,253}$/, words: 'an object name' },
  path: { pattern: /^\/[A-Za-z0-9._~!$&'()+,;=:@%/-]{0,1000}\*?$/, words: 'a URL path starting with "/", optionally ending in *' },
};

function text(value: unknown, field: string, at: string, problems: string[]): string {
  const shape = SHAPES[field];
  if (typeof value !== 'string' || shape === undefined || !shape.pattern.test(value)) {
    problems.push(`${at}${key(field)}: ${describe(value)} is not ${shape?.words ?? 'valid'}`);
    return '';
  }
  return value;
}

/**
 * Parses one `kubernetes_access` value; problems are appended.
 * @returns the attributes, or undefined when any problem was found
 */
export function parseKubernetesAccess(value: unknown, at: string, problems: string[]): KubernetesAccess | undefined {
  const before = problems.length;
  if (!isMapping(value)) {
    problems.push(`${at}: must be a mapping with verb and either resource or path`);
    return undefined;
  }
  for (const field of ownKeys(value)) if (!KEYS.has(field)) problems.push(`${at}${key(field)}: unknown key`);
  const verb = text(own(value, 'verb'), 'verb', at, problems);
  const hasPath = Object.hasOwn(value, 'path');
  const resourceKeys = RESOURCE_KEYS.filter((field) => Object.hasOwn(value, field));
  let access: KubernetesAccess | undefined;
  if (hasPath && resourceKeys.length > 0) {
    problems.push(`${at}: path (a non-resource URL) cannot be combined with ${resourceKeys.join(', ')}`);
  } else if (hasPath) {
    access = { verb, path: text(own(value, 'path'), 'path', at, problems) };
  } else if (!Object.hasOwn(value, 'resource')) {
    problems.push(`${at}: names neither a resource nor a path`);
  } else {
    const field = (name: (typeof RESOURCE_KEYS)[number]): string => (Object.hasOwn(value, name) ? text(own(value, name), name, at, problems) : '');
    access = {
      verb,
      resource: {
        group: field('group'),
        version: field('version'),
        resource: field('resource'),
        subresource: field('subresource'),
        namespace: field('namespace'),
        name: field('name'),
      },
    };
  }
  return problems.length === before ? access : undefined;
}

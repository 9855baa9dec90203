/**
 * Which Kubernetes ServiceAccounts a route admits: `namespace/name` for one ServiceAccount,
 * `namespace/*` for every ServiceAccount of a namespace. Names are Kubernetes object names (DNS
 * labels for namespaces, DNS subdomains for ServiceAccounts), so nothing else can match by accident.
 */

/** One admitted ServiceAccount, or a whole namespace's (`name` undefined). */
export interface ServiceAccountPattern {
  readonly namespace: string;
  readonly name: string | undefined;
}

/** The ServiceAccount a request was proven to come from. */
export interface ServiceAccountName {
  readonly namespace: string;
  readonly name: string;
}

/** RFC 1123 label: a namespace name. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** RFC 1123 subdomain: a ServiceAccount name. */
const NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether `namespace` and `name` are valid Kubernetes names for a ServiceAccount. */
export function isServiceAccountName(namespace: string, name: string): boolean {
  return NAMESPACE.test(namespace) && NAME.test(name);
}

/**
 * Reads `namespace/name` or `namespace/*`.
 * @returns the pattern, or why the text is not one
 */
export function parseServiceAccountPattern(text: string): ServiceAccountPattern | string {
  const slash = text.indexOf('/');
  if (slash === -1) return 'is not namespace/name or namespace/*';
  const namespace = text.slice(0, slash);
  const name = text.slice(slash + 1);
  if (!NAMESPACE.test(namespace)) return 'does not start with a Kubernetes namespace name';
  if (name === '*') return { namespace, name: undefined };
  if (!NAME.test(name)) return 'does not end with a ServiceAccount name or *';
  return { namespace, name };
}

/** Whether `account` is one of `patterns`. */
export function serviceAccountMatches(patterns: readonly ServiceAccountPattern[], account: ServiceAccountName): boolean {
  return patterns.some((p) => p.namespace === account.namespace && (p.name === undefined || p.name === account.name));
}

/** `ns/name` or `ns/*`, as written. */
export function patternText(pattern: ServiceAccountPattern): string {
  return `${pattern.namespace}/${pattern.name ?? '*'}`;
}

/**
 * The `policies` configuration section: name → named policy. Every problem is reported at once,
 * each with its path, and a policy with any problem is left out so it can never be used half-read.
 */
import { emailDomain } from '../email-domain.ts';
import { compileAnchored } from './anchored-regex.ts';
import { describe, isMapping, key, own, ownKeys } from './config-values.ts';
import { parseCidr, type Cidr } from './ip-address.ts';
import { parseClaims } from './parse-claims.ts';
import { parseKubernetesAccess } from './parse-kubernetes-access.ts';
import { parseServiceAccountPattern } from './service-account-pattern.ts';
import type { NamedPolicy, PathMatcher } from './policy-types.ts';

/** The parsed section: usable policies, and every problem found. */
export interface ParsedPolicies {
  readonly policies: Map<string, NamedPolicy>;
  readonly problems: string[];
}

const KEYS = new Set(['groups', 'roles', 'emails', 'email_domains', 'claims', 'methods', 'paths', 'source_networks', 'serviceaccounts', 'kubernetes_access']);
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const MAX_POLICIES = 1000;
const MAX_ITEMS = 1000;
const MAX_ITEM = 512;

/** Reads a non-empty list, converting each item or naming why it cannot be converted. */
function list<T>(value: unknown, at: string, problems: string[], convert: (item: string) => T | string): T[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_ITEMS) {
    problems.push(`${at}: must be a non-empty list of at most ${MAX_ITEMS} strings`);
    return undefined;
  }
  const out: T[] = [];
  let ok = true;
  value.forEach((item: unknown, index) => {
    const plain = typeof item === 'string' && item.length > 0 && item.length <= MAX_ITEM && !/[\u0000-\u001f\u007f]/.test(item);
    const result = plain ? convert(item) : 'is not a non-empty string without control characters';
    if (typeof result === 'string') {
      problems.push(`${at}[${index}]: ${describe(item)} ${result}`);
      ok = false;
    } else out.push(result);
  });
  return ok ? out : undefined;
}

const asIs = (item: string): { v: string } => ({ v: item });

function email(item: string): { v: string } | string {
  return emailDomain(item) === undefined ? 'is not an email address with exactly one "@"' : { v: item.toLowerCase() };
}

function domain(item: string): { v: string } | string {
  return item.includes('@') || /\s/.test(item) ? 'is not a domain' : { v: item.toLowerCase() };
}

function method(item: string): { v: string } | string {
  return /^[A-Za-z_-]{1,32}$/.test(item) ? { v: item.toUpperCase() } : 'is not an HTTP method';
}

function pathMatcher(item: string): PathMatcher | string {
  // "/^…$/" is a regex; anything else is a prefix. A prefix may not start with "/^", so a regex
  // with a forgotten "$/" is refused rather than read as a literal prefix.
  if (item.startsWith('/^')) {
    if (item.length < 4 || !item.endsWith('$/')) return 'starts like a regex but is not written "/^…$/"';
    const regex = compileAnchored(item.slice(1, -1));
    return typeof regex === 'string' ? regex : { kind: 'regex', regex };
  }
  if (!item.startsWith('/')) return 'is neither a path prefix starting with "/" nor a "/^…$/" regex';
  if (/[%?#]/.test(item)) return 'must be a decoded path without "%", "?" or "#"';
  // Compared with the decoded, normalised path, so it must already be in that form; the check is
  // on segments because the text is decoded characters, not the raw bytes nginxPath reads.
  const segments = item.slice(1, item.endsWith('/') ? -1 : undefined).split('/');
  if (item !== '/' && segments.some((segment) => segment === '' || /^\.{1,2}(;|$)/.test(segment))) {
    return 'is not a normalised path (no "//", "." or ".." segments)';
  }
  return { kind: 'prefix', prefix: item };
}

function network(item: string): Cidr | string {
  return parseCidr(item);
}

function unwrap(items: Array<{ v: string }> | undefined): string[] | undefined {
  return items?.map((item) => item.v);
}

function parsePolicy(name: string, value: unknown, at: string, problems: string[]): NamedPolicy | undefined {
  const before = problems.length;
  if (!NAME.test(name)) problems.push(`${at}: ${describe(name)} is not a valid policy name`);
  if (!isMapping(value)) {
    problems.push(`${at}: must be a mapping of conditions`);
    return undefined;
  }
  for (const field of ownKeys(value)) if (!KEYS.has(field)) problems.push(`${at}${key(field)}: unknown key`);
  const field = (name: string): unknown => own(value, name);
  const has = (name: string): boolean => Object.hasOwn(value, name);
  const policy: NamedPolicy = {
    name,
    ...(has('groups') && { groups: unwrap(list(field('groups'), `${at}.groups`, problems, asIs)) }),
    ...(has('roles') && { roles: unwrap(list(field('roles'), `${at}.roles`, problems, asIs)) }),
    ...(has('emails') && { emails: unwrap(list(field('emails'), `${at}.emails`, problems, email)) }),
    ...(has('email_domains') && { emailDomains: unwrap(list(field('email_domains'), `${at}.email_domains`, problems, domain)) }),
    ...(has('claims') && { claims: parseClaims(field('claims'), `${at}.claims`, problems) }),
    ...(has('methods') && { methods: unwrap(list(field('methods'), `${at}.methods`, problems, method)) }),
    ...(has('paths') && { paths: list(field('paths'), `${at}.paths`, problems, pathMatcher) }),
    ...(has('source_networks') && { sourceNetworks: list(field('source_networks'), `${at}.source_networks`, problems, network) }),
    ...(has('serviceaccounts') && { serviceAccounts: list(field('serviceaccounts'), `${at}.serviceaccounts`, problems, parseServiceAccountPattern) }),
    ...(has('kubernetes_access') && { kubernetesAccess: parseKubernetesAccess(field('kubernetes_access'), `${at}.kubernetes_access`, problems) }),
  };
  return problems.length === before ? Object.freeze(policy) : undefined;
}

/**
 * Parses the `policies` section. An absent or empty section gives no policies and no problems.
 * Never throws.
 */
export function parsePolicies(input: unknown): ParsedPolicies {
  const policies = new Map<string, NamedPolicy>();
  const problems: string[] = [];
  if (input === undefined || input === null) return { policies, problems };
  if (!isMapping(input)) {
    problems.push('policies: must be a mapping of policy name to conditions');
    return { policies, problems };
  }
  const names = ownKeys(input);
  if (names.length > MAX_POLICIES) {
    problems.push(`policies: more than ${MAX_POLICIES} policies`);
    return { policies, problems };
  }
  for (const name of names) {
    const policy = parsePolicy(name, own(input, name), `policies${key(name)}`, problems);
    if (policy) policies.set(name, policy);
  }
  return { policies, problems };
}

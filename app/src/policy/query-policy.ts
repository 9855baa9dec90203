/**
 * The per-route policy written into an ingress auth-url query, e.g.
 * `/oauth2/auth?allowed_groups=admins,ops&allowed_email_domains=example.com`.
 * Only the first value of a repeated key counts; values are never merged.
 * `allowed_serviceaccounts=ns/name,ns2/*` admits Kubernetes ServiceAccounts (serviceaccount source).
 */
import { parseServiceAccountPattern, type ServiceAccountPattern } from './named/service-account-pattern.ts';

/** A parsed query policy; an absent list places no condition. */
export interface QueryPolicy {
  readonly allowedGroups: readonly string[] | undefined;
  readonly allowedEmails: readonly string[] | undefined;
  readonly allowedEmailDomains: readonly string[] | undefined;
  readonly allowedServiceAccounts: readonly ServiceAccountPattern[] | undefined;
}

/** A query that cannot be a policy: answering it must never allow. */
export class PolicyQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PolicyQueryError';
  }
}

const KNOWN = new Set(['allowed_groups', 'allowed_emails', 'allowed_email_domains', 'allowed_serviceaccounts']);
const MAX_QUERY = 4096;

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function serviceAccountPattern(text: string): ServiceAccountPattern {
  const pattern = parseServiceAccountPattern(text);
  if (typeof pattern === 'string') throw new PolicyQueryError(`allowed_serviceaccounts: ${JSON.stringify(text.slice(0, 100))} ${pattern}`);
  return pattern;
}

/**
 * Parses the raw query string (without "?").
 * @throws PolicyQueryError for malformed encoding or an unknown parameter: a typo in an
 * annotation must not silently open a route
 */
export function parseQueryPolicy(rawQuery: string): QueryPolicy {
  if (rawQuery.length > MAX_QUERY) throw new PolicyQueryError('query longer than 4096 characters');
  const first = new Map<string, string>();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    let key: string;
    let value: string;
    try {
      key = decodeURIComponent((eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
      value = eq === -1 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      throw new PolicyQueryError(`malformed percent-encoding in ${JSON.stringify(pair.slice(0, 100))}`);
    }
    if (!KNOWN.has(key)) throw new PolicyQueryError(`unknown policy parameter ${JSON.stringify(key.slice(0, 100))}`);
    if (!first.has(key)) first.set(key, value);
  }
  const list = (key: string): string[] | undefined => {
    const value = first.get(key);
    return value === undefined ? undefined : splitList(value);
  };
  return Object.freeze({
    allowedGroups: list('allowed_groups'),
    allowedEmails: list('allowed_emails')?.map((email) => email.toLowerCase()),
    allowedEmailDomains: list('allowed_email_domains')?.map((domain) => domain.toLowerCase()),
    allowedServiceAccounts: list('allowed_serviceaccounts')?.map(serviceAccountPattern),
  });
}

/**
 * Parses auth-url queries into route policies with a small bounded cache: the queries come from a
 * handful of ingress annotations, so the hot path parses each once. The cache starts over when the
 * named policies are reloaded, so `policy=<name>` always means the policy in force.
 *
 * Besides the policy keys, `backend=none|elasticsearch|eventstore` picks the route's backend
 * (first value counts); a backend that is not configured is an error, never a silent `none`.
 */
import type { BackendKind } from '../backends/answer-backend.ts';
import { parseExtendedQuery, type ExtendedQuery } from './named/extended-query.ts';
import type { NamedPolicy } from './named/policy-types.ts';
import { PolicyQueryError } from './query-policy.ts';

/** A parsed auth-url query. */
export interface RoutePolicy {
  readonly query: ExtendedQuery;
  /** Undefined when the query names none: the configured default applies. */
  readonly backend: BackendKind | undefined;
}

const BACKENDS: readonly BackendKind[] = ['none', 'elasticsearch', 'eventstore'];

function parseRoutePolicy(rawQuery: string, policies: ReadonlyMap<string, NamedPolicy>, available: readonly BackendKind[]): RoutePolicy {
  const rest: string[] = [];
  let backend: BackendKind | undefined;
  for (const pair of rawQuery.split('&')) {
    if (!pair.startsWith('backend=') && pair !== 'backend') {
      rest.push(pair);
      continue;
    }
    if (backend !== undefined) continue;
    const value = pair.slice('backend='.length);
    if (!BACKENDS.includes(value as BackendKind)) throw new PolicyQueryError(`backend must be one of ${BACKENDS.join(', ')}`);
    if (!available.includes(value as BackendKind)) throw new PolicyQueryError(`backend=${value} is not configured`);
    backend = value as BackendKind;
  }
  return Object.freeze({ query: parseExtendedQuery(rest.join('&'), policies), backend });
}

/**
 * Creates the parser.
 * @param policies - the named policies in force, read on every call
 * @param available - the backends that are configured
 * @returns a function that throws PolicyQueryError for a query that cannot be a policy
 */
export function createRoutePolicyCache(
  policies: () => ReadonlyMap<string, NamedPolicy>,
  available: readonly BackendKind[] = ['none'],
  limit = 256,
): (rawQuery: string) => RoutePolicy {
  const cache = new Map<string, RoutePolicy | PolicyQueryError>();
  let cachedFor = policies();
  return (rawQuery) => {
    const current = policies();
    if (current !== cachedFor) {
      cache.clear();
      cachedFor = current;
    }
    let entry = cache.get(rawQuery);
    if (entry === undefined) {
      try {
        entry = parseRoutePolicy(rawQuery, current, available);
      } catch (err) {
        if (!(err instanceof PolicyQueryError)) throw err;
        entry = err;
      }
      if (cache.size >= limit) cache.clear();
      cache.set(rawQuery, entry);
    }
    if (entry instanceof PolicyQueryError) throw entry;
    return entry;
  };
}

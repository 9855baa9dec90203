/**
 * Parses auth-url queries into route policies with a small bounded cache: the queries come from a
 * handful of ingress annotations, so the hot path parses each once. The cache starts over when the
 * named policies are reloaded, so `policy=<name>` always means the policy in force.
 */
import { parseExtendedQuery, type ExtendedQuery } from './named/extended-query.ts';
import type { NamedPolicy } from './named/policy-types.ts';
import { PolicyQueryError } from './query-policy.ts';

/**
 * Creates the parser.
 * @param policies - the named policies in force, read on every call
 * @returns a function that throws PolicyQueryError for a query that cannot be a policy
 */
export function createRoutePolicyCache(
  policies: () => ReadonlyMap<string, NamedPolicy>,
  limit = 256,
): (rawQuery: string) => ExtendedQuery {
  const cache = new Map<string, ExtendedQuery | PolicyQueryError>();
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
        entry = parseExtendedQuery(rawQuery, current);
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

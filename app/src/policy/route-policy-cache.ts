/**
 * Parses auth-url queries into route policies with a small bounded cache: the queries come from a
 * handful of ingress annotations, so the hot path parses each once. The cache starts over when the
 * named policies are reloaded, so `policy=<name>` always means the policy in force.
 *
 * Besides the policy keys, `backend=none|elasticsearch|elasticsearch-oidc|eventstore` picks the route's backend
 * (first value counts); a backend that is not configured is an error, never a silent `none`.
 * `sources=bearer,session` narrows the identity sources tried (first value counts); a source that
 * is not configured is an error too. `provider=<id>` names the provider browsers sign in with.
 */
import type { BackendKind } from '../backends/answer-backend.ts';
import type { SourceName } from '../config/identity-sources.ts';
import { parseExtendedQuery, type ExtendedQuery } from './named/extended-query.ts';
import type { NamedPolicy } from './named/policy-types.ts';
import { PolicyQueryError } from './query-policy.ts';

/** A parsed auth-url query. */
export interface RoutePolicy {
  readonly query: ExtendedQuery;
  /** Undefined when the query names none: the configured default applies. */
  readonly backend: BackendKind | undefined;
  /** The identity sources this route accepts; undefined for every configured one. */
  readonly sources: ReadonlySet<SourceName> | undefined;
  /** `assertion_audience=`: the `aud` of the route's signed assertions; undefined: the original host. */
  readonly assertionAudience: string | undefined;
  /** `provider=<id>`: the provider a browser that is not signed in is sent to; /oauth2/start refuses an unknown one. */
  readonly provider?: string | undefined;
}

/** What the parser checks route keys against. */
export interface RouteOptions {
  readonly backends: readonly BackendKind[];
  readonly sources: readonly SourceName[];
}

const PROVIDER_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;

const BACKENDS: readonly BackendKind[] = ['none', 'elasticsearch', 'elasticsearch-oidc', 'eventstore'];

/** The backends a route may name, given which are set up (the settings or the built backends). */
export function configuredBackends(parts: { readonly elasticsearch: unknown; readonly elasticsearchOidc?: unknown }): BackendKind[] {
  return [
    'none',
    'eventstore',
    ...(parts.elasticsearch ? ['elasticsearch' as const] : []),
    ...(parts.elasticsearchOidc ? ['elasticsearch-oidc' as const] : []),
  ];
}

/** Splits off the value of a route key (`backend=`, `sources=`); undefined when absent. */
function takeKey(pairs: string[], key: string): string | undefined {
  let value: string | undefined;
  for (let i = pairs.length - 1; i >= 0; i--) {
    const pair = pairs[i] as string;
    if (pair !== key && !pair.startsWith(`${key}=`)) continue;
    // The first value counts, as for every other key.
    value = pair.slice(key.length + 1);
    pairs.splice(i, 1);
  }
  return value;
}

function parseSources(value: string, configured: readonly SourceName[]): ReadonlySet<SourceName> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    throw new PolicyQueryError('sources is not valid percent-encoding');
  }
  const names = decoded.split(',').map((n) => n.trim());
  for (const name of names) {
    if (!configured.includes(name as SourceName)) {
      throw new PolicyQueryError(`sources=${name} is not a configured identity source (configured: ${configured.join(', ')})`);
    }
  }
  return new Set(names as SourceName[]);
}

/** An audience an upstream can name in its verifier: printable, without spaces, at most 256 characters. */
function parseAudience(value: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    throw new PolicyQueryError('assertion_audience is not valid percent-encoding');
  }
  if (!/^[\x21-\x7e]{1,256}$/.test(decoded)) throw new PolicyQueryError('assertion_audience must be 1 to 256 visible ASCII characters');
  return decoded;
}

function parseRoutePolicy(rawQuery: string, policies: ReadonlyMap<string, NamedPolicy>, options: RouteOptions): RoutePolicy {
  const pairs = rawQuery === '' ? [] : rawQuery.split('&');
  const backendValue = takeKey(pairs, 'backend');
  const sourcesValue = takeKey(pairs, 'sources');
  const audienceValue = takeKey(pairs, 'assertion_audience');
  const providerValue = takeKey(pairs, 'provider');
  if (providerValue !== undefined && !PROVIDER_ID.test(providerValue)) throw new PolicyQueryError('provider must be the id of a listed provider (lower-case letters, digits, _ or -)');
  let backend: BackendKind | undefined;
  if (backendValue !== undefined) {
    if (!BACKENDS.includes(backendValue as BackendKind)) throw new PolicyQueryError(`backend must be one of ${BACKENDS.join(', ')}`);
    if (!options.backends.includes(backendValue as BackendKind)) throw new PolicyQueryError(`backend=${backendValue} is not configured`);
    backend = backendValue as BackendKind;
  }
  const sources = sourcesValue === undefined ? undefined : parseSources(sourcesValue, options.sources);
  const assertionAudience = audienceValue === undefined ? undefined : parseAudience(audienceValue);
  return Object.freeze({ query: parseExtendedQuery(pairs.join('&'), policies), backend, sources, assertionAudience, ...(providerValue !== undefined && { provider: providerValue }) });
}

/**
 * Creates the parser.
 * @param policies - the named policies in force, read on every call
 * @param options - the backends and identity sources that are configured
 * @returns a function that throws PolicyQueryError for a query that cannot be a policy
 */
export function createRoutePolicyCache(
  policies: () => ReadonlyMap<string, NamedPolicy>,
  options: RouteOptions = { backends: ['none'], sources: ['session'] },
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
        entry = parseRoutePolicy(rawQuery, current, options);
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

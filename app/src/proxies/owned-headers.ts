/**
 * Every identity header gatehouse may answer with is accounted for on each allow of the proxies
 * that copy a listed set of answer headers onto the upstream request (Traefik's
 * authResponseHeaders, Caddy's copy_headers, Envoy's headersToBackend). Those proxies replace a
 * client's copy of a header only when the answer carries it, so a user with no email could
 * otherwise send the app an `X-Auth-Request-Email` of their choosing. Forward-auth proxies get the
 * left-out headers with empty values; Envoy is told to remove them from the request
 * (`x-envoy-auth-headers-to-remove`, honoured by its HTTP ext_authz filter).
 */
import { ASSERTION_HEADER } from '../assertion/assertion-header.ts';
import type { IdentityConfig } from '../identity/identity-config.ts';
import { SOURCE_HEADER } from '../check/source-header.ts';
import type { AdapterDeps } from './proxy-adapter.ts';

const BASE = ['X-Auth-Request-User', 'X-Auth-Request-Email', 'X-Auth-Request-Groups', 'X-Auth-Request-Preferred-Username', 'X-Auth-Request-Roles', SOURCE_HEADER];

/** The allow headers with every owned header accounted for; the same array for the same input. */
export type CompleteHeaders = (headers: readonly string[]) => readonly string[];

/** How left-out headers are accounted for. */
export type LeftOutHeaders = 'empty-values' | 'envoy-remove';

/** Envoy's HTTP ext_authz response header naming request headers to remove before the upstream. */
export const ENVOY_REMOVE_HEADER = 'x-envoy-auth-headers-to-remove';

function ownedNames(deps: AdapterDeps, identity: IdentityConfig): string[] {
  const { headers } = identity;
  const claims = headers.format === 'combined' ? [headers.combinedHeader] : headers.claims.map((c) => c.name);
  const tokens = deps.config.upstreamHeaders.accessToken ? ['X-Auth-Request-Access-Token'] : [];
  // An upstream that verifies assertions rejects a forged one; one that only reads it must never see it.
  if (deps.config.assertion) tokens.push(ASSERTION_HEADER);
  // The EventStoreDB header names who the database trusts: a client's copy must never pass.
  return [...BASE, ...claims, ...tokens, deps.config.backend.eventstoreHeader];
}

/** Creates the completer; the owned names follow config reloads (claim headers may change). */
export function createHeaderCompleter(deps: AdapterDeps, style: LeftOutHeaders): CompleteHeaders {
  let forConfig: IdentityConfig | undefined;
  let owned: readonly string[] = [];
  let completed = new WeakMap<readonly string[], readonly string[]>();
  return (headers) => {
    const current = deps.identity.current();
    if (current !== forConfig) {
      forConfig = current;
      owned = ownedNames(deps, current);
      completed = new WeakMap();
    }
    const known = completed.get(headers);
    if (known) return known;
    const present = new Set<string>();
    for (let i = 0; i < headers.length; i += 2) present.add((headers[i] as string).toLowerCase());
    const missing = owned.filter((name) => !present.has(name.toLowerCase()));
    const added = missing.length === 0 ? [] : style === 'envoy-remove' ? [ENVOY_REMOVE_HEADER, missing.join(',')] : missing.flatMap((name) => [name, '']);
    const result = added.length === 0 ? headers : Object.freeze([...headers, ...added]);
    completed.set(headers, result);
    return result;
  };
}

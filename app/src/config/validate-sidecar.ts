/**
 * The sidecar part of the configuration: the app's origin, the pool and timeouts, and the config
 * file's `sidecar` section, whose route policies are parsed here exactly as the check will parse
 * them, so a typo in one fails start-up instead of answering 500 on that route. Every problem is
 * appended naming its variable or the place in the file.
 */
import { parsePolicies } from '../policy/named/parse-policies.ts';
import { PolicyQueryError } from '../policy/query-policy.ts';
import { configuredBackends, createRoutePolicyCache } from '../policy/route-policy-cache.ts';
import { parseSidecarRoutes, type PolicyCheck } from '../proxies/sidecar/route-table.ts';
import type { BackendSettings, SidecarSettings } from './config.ts';
import type { SourceName } from './identity-sources.ts';
import type { CleanedEnv } from './schema.ts';

/** What the route policies are checked against. */
export interface SidecarContext {
  readonly backend: BackendSettings;
  readonly identitySources: readonly SourceName[];
}

function upstreamUrl(raw: string, problems: string[]): URL | undefined {
  const problem = (why: string): undefined => void problems.push(`GATEHOUSE_UPSTREAM: ${why} (e.g. http://127.0.0.1:8080)`);
  if (!URL.canParse(raw)) return problem(`"${raw}" is not an absolute URL`);
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return problem('must be an http:// or https:// URL');
  if (url.username || url.password) return problem('must not hold credentials');
  // Requests keep their own path: a base path would be ambiguous about what /oauth2/ means.
  if (url.pathname !== '/' || url.search || url.hash || raw.includes('?') || raw.includes('#')) return problem('must be an origin with no path, query or fragment');
  return url;
}

function policyCheck(file: Readonly<Record<string, unknown>>, context: SidecarContext): PolicyCheck {
  // The named policies as the identity model reads them; their own problems are reported there.
  const policies = parsePolicies(file.policies).policies;
  const backends = configuredBackends(context.backend);
  const parse = createRoutePolicyCache(() => policies, { backends, sources: context.identitySources });
  return (query) => {
    try {
      parse(query);
      return undefined;
    } catch (err) {
      return err instanceof PolicyQueryError ? err.message : String(err);
    }
  };
}

/** Builds the sidecar settings; undefined when GATEHOUSE_UPSTREAM is not set. */
export function validateSidecar(env: CleanedEnv, file: Readonly<Record<string, unknown>>, context: SidecarContext, problems: string[]): SidecarSettings | undefined {
  if (env.GATEHOUSE_UPSTREAM === '') {
    if (file.sidecar !== undefined && file.sidecar !== null) problems.push('sidecar: the config file has a sidecar section but GATEHOUSE_UPSTREAM is not set');
    return undefined;
  }
  const upstream = upstreamUrl(env.GATEHOUSE_UPSTREAM, problems);
  const routes = parseSidecarRoutes(file.sidecar, policyCheck(file, context), problems);
  const headers = env.GATEHOUSE_CLIENT_HEADERS_TIMEOUT;
  const request = env.GATEHOUSE_CLIENT_REQUEST_TIMEOUT;
  // Node refuses a headers timeout longer than the request timeout.
  if (request > 0 && headers > request) problems.push('GATEHOUSE_CLIENT_HEADERS_TIMEOUT must not exceed GATEHOUSE_CLIENT_REQUEST_TIMEOUT');
  if (upstream === undefined) return undefined;
  return {
    upstream,
    maxConnections: env.GATEHOUSE_UPSTREAM_MAX_CONNECTIONS,
    keepAliveTimeoutMs: env.GATEHOUSE_UPSTREAM_KEEPALIVE_TIMEOUT,
    connectTimeoutMs: env.GATEHOUSE_UPSTREAM_CONNECT_TIMEOUT,
    responseTimeoutMs: env.GATEHOUSE_UPSTREAM_RESPONSE_TIMEOUT,
    bodyTimeoutMs: env.GATEHOUSE_UPSTREAM_BODY_TIMEOUT,
    clientHeadersTimeoutMs: headers,
    clientRequestTimeoutMs: request,
    routes,
  };
}

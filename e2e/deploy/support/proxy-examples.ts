/**
 * The proxy examples under k8s-examples/<proxy>/ as the tests read them, and what gatehouse itself
 * says they must agree with: the identity headers it answers with and the route queries it parses.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HTTPExternalAuthFilter } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPExternalAuthFilter';
import { buildIdentityHeaders } from '../../../app/src/identity/headers/build-headers.ts';
import { DEFAULT_HEADER_CONFIG } from '../../../app/src/identity/headers/header-config.ts';
import { createRoutePolicyCache } from '../../../app/src/policy/route-policy-cache.ts';
import { REPO_ROOT } from './helm.ts';
import { parseManifests } from './manifests.ts';
import type { Manifest } from './manifests.ts';
import { validateManifests } from './validate-manifests.ts';

const execFileAsync = promisify(execFile);

/** Where the examples are. */
export const EXAMPLES = join(REPO_ROOT, 'k8s-examples');

/** The Kubernetes-manifest example folders, one per proxy family. */
export const MANIFEST_PROXIES = ['traefik', 'envoy-gateway', 'istio', 'gateway-api', 'nginx-gateway-fabric'] as const;

/** Every object in the YAML files of one example folder. */
export function proxyManifests(proxy: string): Manifest[] {
  const dir = join(EXAMPLES, proxy);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .flatMap((name) => parseManifests(readFileSync(join(dir, name), 'utf8')));
}

/** gatehouse's Service as the examples name it (release "gatehouse" in namespace "auth"). */
export const GATEHOUSE = { name: 'gatehouse', namespace: 'auth', port: 4180, host: 'gatehouse.auth.svc.cluster.local' } as const;

/**
 * The headers an allowed check may answer with: the fixed identity headers (from gatehouse's own
 * builder, given an identity with every field), the token headers and the backends' headers.
 */
export const SENT_HEADERS: ReadonlySet<string> = (() => {
  const identity = { user: 'u', email: 'e@example.com', groups: ['g'], preferredUsername: 'p', roles: ['r'], claims: {} };
  const wire = buildIdentityHeaders(identity, DEFAULT_HEADER_CONFIG).headers;
  const names = wire.filter((_, i) => i % 2 === 0);
  return new Set([...names, 'Authorization', 'X-Auth-Request-Access-Token', 'X-Auth-Request-Source', 'ES-TrustedAuth', 'Kurrent-TrustedAuth'].map((h) => h.toLowerCase()));
})();

/** Header names in a list that gatehouse never answers with (empty when all are its own). */
export function foreignHeaders(names: readonly string[]): string[] {
  return names.filter((name) => !SENT_HEADERS.has(name.toLowerCase()));
}

const parseRoute = createRoutePolicyCache(() => new Map(), { backends: ['none', 'elasticsearch', 'eventstore'], sources: ['session', 'bearer', 'trusted-headers'] });

/** Throws gatehouse's own PolicyQueryError when `rawQuery` is not a route query it would accept. */
export function checkRouteQuery(rawQuery: string): void {
  parseRoute(rawQuery);
}

/**
 * The route query inside an Envoy ext_authz path prefix: '' for `/oauth2/ext-authz`, the segment
 * after `/oauth2/ext-authz-route/`, undefined for anything else.
 */
export function extAuthzRouteQuery(prefix: string): string | undefined {
  if (prefix === '/oauth2/ext-authz') return '';
  const match = /^\/oauth2\/ext-authz-route\/([^/?]+)$/.exec(prefix);
  return match?.[1];
}

/** Header names lower-cased, for comparing lists that differ only in case. */
export const lower = (names: readonly string[] | undefined): string[] => (names ?? []).map((n) => n.toLowerCase());

/** One filter of an HTTPRoute rule as the examples write it. */
export interface RouteFilter {
  readonly type: string;
  readonly externalAuth?: { protocol: string; backendRef: { name: string; namespace?: string; port?: number }; http?: { path?: string; allowedHeaders?: string[]; allowedResponseHeaders?: string[] } };
}
/** One HTTPRoute rule. */
export interface RouteRule {
  readonly matches?: { path?: { type: string; value: string } }[];
  readonly filters?: RouteFilter[];
  readonly backendRefs?: { name: string; namespace?: string; port?: number }[];
}

/** The rules of an HTTPRoute. */
export const rulesOf = (route: Manifest): RouteRule[] => (route['spec'] as { rules: RouteRule[] }).rules;

/**
 * Validates objects like validate-manifests.ts, with the Gateway API experimental channel's
 * ExternalAuth filter understood: kubernetes-models' HTTPRoute validator knows only the standard
 * channel's filter types, so each ExternalAuth filter is checked by the package's own
 * HTTPExternalAuthFilter model (path pattern included) and the rest of the route as standard.
 */
export async function validateProxyManifests(manifests: readonly Manifest[]): Promise<string[]> {
  const problems: string[] = [];
  const standard = manifests.map((manifest) => {
    if (manifest.kind !== 'HTTPRoute') return manifest;
    const rules = rulesOf(manifest).map((rule, r) => {
      const filters = (rule.filters ?? []).filter((filter, f) => {
        // The experimental CRD's rule: externalAuth is set exactly when the type is ExternalAuth.
        if ((filter.type === 'ExternalAuth') !== (filter.externalAuth !== undefined)) {
          problems.push(`HTTPRoute ${manifest.metadata.name}: rule ${r} filter ${f}: externalAuth must go with type ExternalAuth`);
        }
        if (filter.type !== 'ExternalAuth') return true;
        try {
          new HTTPExternalAuthFilter(filter.externalAuth).validate();
        } catch (error) {
          problems.push(`HTTPRoute ${manifest.metadata.name}: rule ${r} filter ${f}: ${(error as Error).message}`);
        }
        return false;
      });
      return rule.filters === undefined ? rule : { ...rule, filters };
    });
    return { ...manifest, spec: { ...(manifest['spec'] as object), rules } };
  });
  return [...problems, ...(await validateManifests(standard))];
}

/**
 * Caddy's environment with HOME and the XDG directories in `dir`: Caddy keeps state there (a .step
 * dir as soon as it provisions the TLS app), which must not land in the user's home.
 */
export function caddyEnv(dir: string): NodeJS.ProcessEnv {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
}

/**
 * The JSON configuration Caddy itself makes of a Caddyfile (`caddy adapt --validate`, which also
 * provisions every module as a start would).
 * @throws with Caddy's message when it refuses the Caddyfile
 */
export async function caddyAdapt(caddyfile: string): Promise<CaddyConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-caddy-adapt-'));
  try {
    const { stdout } = await execFileAsync('caddy', ['adapt', '--config', caddyfile, '--adapter', 'caddyfile', '--validate'], {
      env: caddyEnv(dir),
      cwd: dir,
      maxBuffer: 16 * 1024 * 1024,
    });
    return JSON.parse(stdout) as CaddyConfig;
  } catch (error) {
    throw new Error(`caddy refused ${caddyfile}:\n${(error as { stderr?: string }).stderr ?? String(error)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The parts of Caddy's JSON configuration the tests walk. */
export interface CaddyRoute {
  match?: { path?: string[]; host?: string[] }[];
  handle?: CaddyHandler[];
}
/** A Caddy handler (subroute, reverse_proxy, headers, …). */
export interface CaddyHandler {
  handler: string;
  routes?: CaddyRoute[];
  upstreams?: { dial: string }[];
  rewrite?: { method?: string; uri?: string };
  headers?: { request?: { set?: Record<string, string[]> } };
  request?: { delete?: string[]; set?: Record<string, string[]> };
  handle_response?: { match?: { status_code?: number[] }; routes?: CaddyRoute[] }[];
}
/** A whole adapted configuration. */
export interface CaddyConfig {
  admin?: unknown;
  apps: { http: { servers: Record<string, { listen: string[]; routes: CaddyRoute[]; automatic_https?: unknown }> } };
}

/**
 * The examples for the proxies after ingress-nginx (k8s-examples/<proxy>/) are valid objects of
 * their APIs with no unknown field, and they hold gatehouse's proxy contract: forward-auth proxies
 * ask /oauth2/forward-auth, Envoy-family ones a path under /oauth2/ext-authz, NGINX Gateway Fabric
 * /oauth2/auth; every route query is one gatehouse parses; the check carries the cookie; denials
 * keep what a browser needs; only headers gatehouse answers with are copied upstream; and each
 * proxy serves gatehouse's /oauth2/ unchecked.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HTTPExternalAuthFilter } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPExternalAuthFilter';
import { at, only, parseManifests } from './support/manifests.ts';
import type { Manifest } from './support/manifests.ts';
import {
  checkRouteQuery, EXAMPLES, extAuthzRouteQuery, foreignHeaders, GATEHOUSE, lower, MANIFEST_PROXIES, proxyManifests, rulesOf, validateProxyManifests,
} from './support/proxy-examples.ts';
import type { RouteFilter } from './support/proxy-examples.ts';
import { unknownFieldProblems } from './support/strict-fields.ts';

const byProxy = Object.fromEntries(MANIFEST_PROXIES.map((proxy) => [proxy, proxyManifests(proxy)])) as Record<(typeof MANIFEST_PROXIES)[number], Manifest[]>;
const ofKind = (manifests: readonly Manifest[], kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);
const BROWSER_HINTS = ['cookie', 'accept', 'x-requested-with', 'sec-fetch-mode', 'x-forwarded-proto'];

/** The HTTPRoute serving gatehouse's /oauth2/: in gatehouse's namespace, to its Service, no filter. */
function assertOauth2Route(manifests: readonly Manifest[], label: string): void {
  const route = ofKind(manifests, 'HTTPRoute').find((r) => rulesOf(r).some((rule) => rule.matches?.some((m) => m.path?.value === '/oauth2/')));
  assert.ok(route, `${label}: no HTTPRoute for /oauth2/`);
  assert.equal(route.metadata.namespace, GATEHOUSE.namespace, label);
  const [rule] = rulesOf(route);
  assert.deepEqual(rule?.matches, [{ path: { type: 'PathPrefix', value: '/oauth2/' } }], label);
  assert.deepEqual(rule?.backendRefs, [{ name: GATEHOUSE.name, port: GATEHOUSE.port }], label);
  assert.equal(rule?.filters, undefined, `${label}: /oauth2/ must not be checked`);
  const app = ofKind(manifests, 'HTTPRoute').find((r) => r.metadata.name === 'app');
  assert.deepEqual(at(route, 'spec', 'hostnames'), at(app, 'spec', 'hostnames'), `${label}: /oauth2/ on the app's host`);
  assert.deepEqual(at(route, 'spec', 'parentRefs'), at(app, 'spec', 'parentRefs'), `${label}: the app's Gateway`);
}

/** A ReferenceGrant in gatehouse's namespace lets `kind` objects of namespace apps name its Service. */
function assertGrant(manifests: readonly Manifest[], group: string, kind: string): void {
  const grant = only(manifests, 'ReferenceGrant');
  assert.equal(grant.metadata.namespace, GATEHOUSE.namespace);
  assert.deepEqual(at(grant, 'spec', 'from'), [{ group, kind, namespace: 'apps' }]);
  assert.deepEqual(at(grant, 'spec', 'to'), [{ group: '', kind: 'Service', name: GATEHOUSE.name }]);
}

const externalAuthFilters = (manifests: readonly Manifest[]): NonNullable<RouteFilter['externalAuth']>[] =>
  ofKind(manifests, 'HTTPRoute').flatMap((route) => rulesOf(route).flatMap((rule) => (rule.filters ?? []).flatMap((f) => (f.externalAuth ? [f.externalAuth] : []))));

describe('proxy examples', () => {
  it('are valid objects of their APIs, with no unknown field', async () => {
    const all = MANIFEST_PROXIES.flatMap((proxy) => byProxy[proxy]);
    assert.deepEqual(await validateProxyManifests(all), []);
    assert.deepEqual(unknownFieldProblems(MANIFEST_PROXIES.map((proxy) => ({ label: proxy, manifests: byProxy[proxy] }))), []);
  });

  it('the validation refuses what the APIs refuse', async () => {
    const policy = only(byProxy['envoy-gateway'], 'SecurityPolicy', 'app-gatehouse');
    const typo = { ...policy, spec: { ...(policy['spec'] as object), extAuht: {} } };
    assert.equal((await validateProxyManifests([typo])).length > 0, true, 'a misspelt SecurityPolicy field');
    const middleware = only(byProxy.traefik, 'Middleware', 'gatehouse');
    const misspelt = { ...middleware, spec: { forwardAuth: { adress: 'http://gatehouse.auth:4180/oauth2/forward-auth' } } };
    assert.match(unknownFieldProblems([{ label: 'typo', manifests: [misspelt] }]).join('\n'), /adress/);
    const route = only(byProxy['gateway-api'], 'HTTPRoute', 'app');
    const wrongType = JSON.parse(JSON.stringify(route)) as Manifest;
    (rulesOf(wrongType)[0]?.filters?.[0] as { type: string }).type = 'RequestRedirect';
    assert.match((await validateProxyManifests([wrongType])).join('\n'), /externalAuth must go with type ExternalAuth/);
  });

  it('traefik: ForwardAuth asks /oauth2/forward-auth with a route query gatehouse parses, and copies only its headers', () => {
    const middlewares = ofKind(byProxy.traefik, 'Middleware');
    assert.ok(middlewares.length >= 2);
    for (const middleware of middlewares) {
      const forward = at(middleware, 'spec', 'forwardAuth') as { address: string; authResponseHeaders: string[]; trustForwardHeader?: boolean };
      const url = new URL(forward.address);
      assert.equal(`${url.host}${url.pathname}`, `${GATEHOUSE.host}:${GATEHOUSE.port}/oauth2/forward-auth`, middleware.metadata.name);
      checkRouteQuery(url.search.slice(1));
      assert.deepEqual(foreignHeaders(forward.authResponseHeaders), [], middleware.metadata.name);
      assert.notEqual(forward.trustForwardHeader, true, 'X-Forwarded-* from clients must not reach gatehouse');
    }
    const app = only(byProxy.traefik, 'IngressRoute', 'app');
    const names = new Set(middlewares.map((m) => m.metadata.name));
    for (const route of at(app, 'spec', 'routes') as { middlewares?: { name: string }[] }[]) {
      assert.ok(route.middlewares?.some((m) => names.has(m.name)), 'every app route is checked');
    }
    const own = only(byProxy.traefik, 'IngressRoute', 'gatehouse');
    const [route] = at(own, 'spec', 'routes') as { match: string; middlewares?: unknown; services: { name: string }[]; priority: number }[];
    assert.match(route?.match ?? '', /PathPrefix\(`\/oauth2\/`\)/);
    assert.equal(route?.middlewares, undefined);
    assert.deepEqual(route?.services.map((s) => s.name), [GATEHOUSE.name]);
  });

  it("traefik's ingress-nginx provider serves the web app's annotations unchanged", () => {
    const webApp = parseManifests(readFileSync(join(EXAMPLES, 'web-app-ingress.yaml'), 'utf8')).find((m) => m.metadata.name === 'app');
    assert.deepEqual(only(byProxy.traefik, 'Ingress').metadata.annotations, webApp?.metadata.annotations);
  });

  it('envoy-gateway: every SecurityPolicy asks a path under /oauth2/ext-authz with the cookie, and copies only its headers', () => {
    const policies = ofKind(byProxy['envoy-gateway'], 'SecurityPolicy');
    const routes = new Set(ofKind(byProxy['envoy-gateway'], 'HTTPRoute').map((r) => r.metadata.name));
    assert.ok(policies.length >= 2);
    for (const policy of policies) {
      const ext = at(policy, 'spec', 'extAuth') as { http: { path: string; backendRefs: unknown[]; headersToBackend: string[] }; headersToExtAuth: string[] };
      const query = extAuthzRouteQuery(ext.http.path);
      assert.notEqual(query, undefined, `${policy.metadata.name}: ${ext.http.path}`);
      checkRouteQuery(query ?? '');
      assert.deepEqual(ext.http.backendRefs, [{ name: GATEHOUSE.name, namespace: GATEHOUSE.namespace, port: GATEHOUSE.port }]);
      for (const header of [...BROWSER_HINTS, 'authorization']) assert.ok(lower(ext.headersToExtAuth).includes(header), `${policy.metadata.name}: ${header}`);
      assert.deepEqual(foreignHeaders(ext.http.headersToBackend), []);
      const [target] = at(policy, 'spec', 'targetRefs') as { kind: string; name: string }[];
      assert.ok(target?.kind === 'HTTPRoute' && routes.has(target.name), `${policy.metadata.name} targets a route of the example`);
      const stripped = lower(at(only(byProxy['envoy-gateway'], 'ClientTrafficPolicy'), 'spec', 'headers', 'earlyRequestHeaders', 'remove') as string[]);
      for (const header of lower(ext.http.headersToBackend)) assert.ok(stripped.includes(header), `a client's ${header} is removed before the check`);
    }
    assertGrant(byProxy['envoy-gateway'], 'gateway.envoyproxy.io', 'SecurityPolicy');
    assertOauth2Route(byProxy['envoy-gateway'], 'envoy-gateway');
  });

  it('istio: the providers ask under /oauth2/ext-authz with the cookie, keep the redirect on deny, and one provider per workload', () => {
    const providers = at(only(byProxy.istio, 'IstioOperator'), 'spec', 'meshConfig', 'extensionProviders') as { name: string; envoyExtAuthzHttp: Record<string, unknown> }[];
    for (const { name, envoyExtAuthzHttp: http } of providers) {
      const query = extAuthzRouteQuery(String(http['pathPrefix']));
      assert.notEqual(query, undefined, name);
      checkRouteQuery(query ?? '');
      assert.deepEqual([http['service'], http['port']], [GATEHOUSE.host, GATEHOUSE.port]);
      for (const header of [...BROWSER_HINTS, 'authorization']) assert.ok(lower(http['includeRequestHeadersInCheck'] as string[]).includes(header), `${name}: ${header}`);
      for (const header of ['location', 'set-cookie', 'www-authenticate', 'content-type']) assert.ok(lower(http['headersToDownstreamOnDeny'] as string[]).includes(header), `${name}: ${header}`);
      assert.deepEqual(foreignHeaders(http['headersToUpstreamOnAllow'] as string[]), []);
      assert.ok(Object.keys(http['includeAdditionalHeadersInCheck'] as object).includes('x-gatehouse-proxy-secret'), `${name} proves it is the mesh`);
    }
    const policies = ofKind(byProxy.istio, 'AuthorizationPolicy');
    const selectors = policies.map((p) => `${p.metadata.namespace}/${JSON.stringify(at(p, 'spec', 'selector'))}`);
    assert.equal(new Set(selectors).size, policies.length, 'at most one provider per workload');
    for (const policy of policies) {
      assert.equal(at(policy, 'spec', 'action'), 'CUSTOM');
      assert.ok(providers.some((p) => p.name === at(policy, 'spec', 'provider', 'name')), policy.metadata.name);
    }
    assert.deepEqual(at(only(byProxy.istio, 'AuthorizationPolicy', 'gatehouse'), 'spec', 'rules', 0, 'to', 0, 'operation', 'notPaths'), ['/oauth2/*']);
    assertOauth2Route(byProxy.istio, 'istio');
  });

  it('gateway-api: the ExternalAuth filters ask under /oauth2/ext-authz over HTTP with the cookie, and copy only its headers', () => {
    const filters = externalAuthFilters(byProxy['gateway-api']);
    assert.ok(filters.length >= 2);
    for (const filter of filters) {
      assert.equal(filter.protocol, 'HTTP');
      assert.deepEqual(filter.backendRef, { name: GATEHOUSE.name, namespace: GATEHOUSE.namespace, port: GATEHOUSE.port });
      const query = extAuthzRouteQuery(filter.http?.path ?? '');
      assert.notEqual(query, undefined, filter.http?.path);
      checkRouteQuery(query ?? '');
      for (const header of BROWSER_HINTS) assert.ok(lower(filter.http?.allowedHeaders).includes(header), header);
      assert.ok((filter.http?.allowedResponseHeaders ?? []).length > 0, 'an empty list would copy every answer header');
      assert.deepEqual(foreignHeaders(filter.http?.allowedResponseHeaders ?? []), []);
    }
    assertGrant(byProxy['gateway-api'], 'gateway.networking.k8s.io', 'HTTPRoute');
    assertOauth2Route(byProxy['gateway-api'], 'gateway-api');
  });

  it('nginx-gateway-fabric: the filter asks /oauth2/auth (auth_request: never a redirect) with the cookie; a route policy goes in the path form, since its path cannot carry a query', () => {
    const filters = externalAuthFilters(byProxy['nginx-gateway-fabric']);
    assert.ok(filters.length >= 2);
    assert.ok(filters.some((f) => f.http?.path === '/oauth2/auth'));
    assert.ok(filters.some((f) => f.http?.path?.startsWith('/oauth2/auth-route/')));
    for (const filter of filters) {
      const path = filter.http?.path ?? '';
      if (path !== '/oauth2/auth') {
        assert.match(path, /^\/oauth2\/auth-route\/[^/?]+$/);
        checkRouteQuery(path.slice('/oauth2/auth-route/'.length));
      }
      new HTTPExternalAuthFilter(filter).validate();
      assert.ok(lower(filter.http?.allowedHeaders).includes('cookie'));
      assert.deepEqual(foreignHeaders(filter.http?.allowedResponseHeaders ?? []), []);
      const withQuery = { ...filter, http: { ...filter.http, path: '/oauth2/auth?allowed_groups=admins' } };
      assert.throws(() => new HTTPExternalAuthFilter(withQuery).validate(), /must match pattern/, 'the note in the example says so');
    }
    assertGrant(byProxy['nginx-gateway-fabric'], 'gateway.networking.k8s.io', 'HTTPRoute');
    assertOauth2Route(byProxy['nginx-gateway-fabric'], 'nginx-gateway-fabric');
  });

  it('the migration page links every example file, and each of its links resolves', () => {
    const page = readFileSync(join(EXAMPLES, 'migrating-from-ingress-nginx.md'), 'utf8');
    const links = [...page.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1] ?? '').filter((link) => !/^https?:/.test(link));
    for (const link of links) assert.ok(existsSync(join(EXAMPLES, link)), `broken link ${link}`);
    for (const proxy of [...MANIFEST_PROXIES, 'caddy']) {
      for (const file of readdirSync(join(EXAMPLES, proxy))) {
        assert.ok(links.some((link) => link === `${proxy}/${file}` || link === `${proxy}/`), `${proxy}/${file} is not linked`);
      }
    }
  });
});

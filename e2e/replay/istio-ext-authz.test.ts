/**
 * An Istio ingress gateway with a CUSTOM AuthorizationPolicy and an envoyExtAuthzHttp provider in
 * front of a real gatehouse, replayed request by request: the shared scenarios, trust by the
 * shared secret Istio adds to each check (behind a sidecar the peer address proves nothing), what
 * headersToDownstreamOnDeny lets through to the browser, and statusOnError.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clientRequest, fetchHeaders, IDENTITY_HEADERS, navigationHeaders } from './client-request.ts';
import { istio, type IstioExtAuthzHttp } from './envoy-family.ts';
import { headerOf } from './raw-http.ts';
import { proxyScenarios, through } from './proxy-scenarios.ts';
import { signInUrl, startReplayHarness, type ReplayHarness } from './replay-harness.ts';

const SECRET = 'istio-mesh-proxy-secret-0123456789';

/** The provider for a route, as the example mesh config writes it. */
function provider(query: string, overrides: Partial<IstioExtAuthzHttp> = {}): IstioExtAuthzHttp {
  return {
    pathPrefix: query === '' ? '/oauth2/ext-authz' : `/oauth2/ext-authz-route/${query}`,
    includeRequestHeadersInCheck: ['cookie', 'authorization', 'accept', 'x-requested-with', 'sec-fetch-mode', 'x-forwarded-proto'],
    includeAdditionalHeadersInCheck: { 'x-gatehouse-proxy-secret': SECRET },
    headersToUpstreamOnAllow: [...IDENTITY_HEADERS],
    headersToDownstreamOnDeny: ['location', 'set-cookie', 'www-authenticate', 'content-type', 'cache-control'],
    ...overrides,
  };
}

describe('Istio CUSTOM authorization with envoyExtAuthzHttp (replayed)', () => {
  let ctx: ReplayHarness;
  before(async () => {
    // Trust by the secret alone: no peer network is trusted.
    ctx = await startReplayHarness({ GATEHOUSE_TRUSTED_PROXY_SOURCES: '', GATEHOUSE_TRUSTED_PROXY_SECRET: SECRET });
  });
  after(() => ctx.stop());

  proxyScenarios(() => ctx, (query) => istio(ctx.port, provider(query)));

  it('the secret travels on the check only, never to the app', async () => {
    const replay = await through(istio(ctx.port, provider('')), clientRequest('/', fetchHeaders(ctx.alice)));
    assert.equal(headerOf(replay.check, 'x-gatehouse-proxy-secret'), SECRET);
    assert.equal(headerOf(replay.upstream, 'x-gatehouse-proxy-secret'), undefined);
  });

  it('without the secret gatehouse decides nothing: 401 proxy-untrusted reaches the client, even for alice', async () => {
    const noSecret = istio(ctx.port, provider('', { includeAdditionalHeadersInCheck: {} }));
    const before = ctx.harness.logs.length;
    const replay = await through(noSecret, clientRequest('/reports', navigationHeaders(ctx.alice)));
    assert.equal(replay.client?.status, 401);
    assert.equal(headerOf(replay.client, 'location'), undefined);
    const checks = ctx.harness.logs.slice(before).filter((l) => l.msg === 'auth check failed' || l.msg === 'auth check');
    assert.deepEqual(
      checks.map((l) => [l.result, l.reasons]),
      [['error', ['proxy-untrusted']]],
    );
  });

  it('Envoy always passes Location and WWW-Authenticate on a denial, whatever headersToDownstreamOnDeny lists', async () => {
    const minimal = istio(ctx.port, provider('', { headersToDownstreamOnDeny: ['set-cookie'] }));
    const page = await through(minimal, clientRequest('/a?b=1', navigationHeaders()));
    assert.equal(headerOf(page.client, 'location'), signInUrl(ctx.origin, 'https://app.localtest/a?b=1'));
    const api = await through(minimal, clientRequest('/api', fetchHeaders()));
    assert.ok(headerOf(api.client, 'www-authenticate'));
    assert.equal(headerOf(api.client, 'cache-control'), undefined, 'not listed, so dropped');
  });

  it('without content-type in headersToDownstreamOnDeny the denied page reaches the browser as text/plain', async () => {
    const untyped = istio(ctx.port, provider('allowed_groups=admins', { headersToDownstreamOnDeny: ['location', 'set-cookie', 'www-authenticate'] }));
    const replay = await through(untyped, clientRequest('/admin', navigationHeaders(ctx.bob)));
    assert.equal(replay.client?.status, 403);
    assert.equal(headerOf(replay.client, 'content-type'), 'text/plain');
    const typed = await through(istio(ctx.port, provider('allowed_groups=admins')), clientRequest('/admin', navigationHeaders(ctx.bob)));
    assert.match(headerOf(typed.client, 'content-type') ?? '', /^text\/html/);
  });

  it('a gatehouse 5xx (an unknown named policy) becomes statusOnError at the client, 403 unless set', async () => {
    const broken = await through(istio(ctx.port, provider('policy=nope')), clientRequest('/', fetchHeaders(ctx.alice)));
    assert.ok(broken.auth.status >= 500, `gatehouse answered ${broken.auth.status}`);
    assert.equal(broken.client?.status, 403);
    const unavailable = await through(istio(ctx.port, provider('policy=nope', { statusOnError: '503' })), clientRequest('/', fetchHeaders(ctx.alice)));
    assert.equal(unavailable.client?.status, 503);
  });
});

/**
 * Envoy Gateway's SecurityPolicy extAuth.http in front of a real gatehouse, replayed request by
 * request (no Envoy binary runs here): the shared scenarios, the exact check request, why
 * headersToExtAuth must list cookie, and what reaches the app.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clientRequest, fetchHeaders, IDENTITY_HEADERS, navigationHeaders } from './client-request.ts';
import { ENVOY_ADDRESS, envoyGateway, type EnvoyGatewayExtAuth } from './envoy-family.ts';
import { headerOf, headersOf } from './raw-http.ts';
import { proxyScenarios, through } from './proxy-scenarios.ts';
import { signInUrl, startReplayHarness, type ReplayHarness } from './replay-harness.ts';

/** The headers the examples list in headersToExtAuth. */
const HEADERS_TO_EXT_AUTH = ['cookie', 'authorization', 'accept', 'x-forwarded-proto', 'x-requested-with', 'sec-fetch-mode'];

/** A SecurityPolicy for a route: the plain prefix, or the route-policy prefix carrying `query`. */
function policy(query: string, headersToExtAuth = HEADERS_TO_EXT_AUTH): EnvoyGatewayExtAuth {
  return {
    http: { path: query === '' ? '/oauth2/ext-authz' : `/oauth2/ext-authz-route/${query}`, headersToBackend: [...IDENTITY_HEADERS] },
    headersToExtAuth,
  };
}

describe('Envoy Gateway SecurityPolicy extAuth.http (replayed)', () => {
  let ctx: ReplayHarness;
  before(async () => {
    ctx = await startReplayHarness();
  });
  after(() => ctx.stop());

  proxyScenarios(() => ctx, (query) => envoyGateway(ctx.port, policy(query)));

  it('with x-forwarded-for listed, the client\'s address is the entry before Envoy\'s own, and the policy judges it', async () => {
    const withXff = (query: string) => envoyGateway(ctx.port, policy(query, [...HEADERS_TO_EXT_AUTH, 'x-forwarded-for']));
    const office = await through(withXff('policy=office-only'), clientRequest('/', fetchHeaders(ctx.alice)));
    assert.equal(headerOf(office.check, 'x-forwarded-for'), `203.0.113.7,${ENVOY_ADDRESS}`);
    assert.equal(office.auth.status, 200, 'alice is at 203.0.113.7, inside 203.0.113.0/24');
    const cluster = await through(withXff('policy=cluster-only'), clientRequest('/', fetchHeaders(ctx.alice)));
    assert.equal(cluster.client?.status, 403, 'Envoy\'s own 10.244.0.17 is not taken for alice\'s address');
    // Not listed: the check carries Envoy's address alone, so there is no client address to allow.
    const unlisted = await through(envoyGateway(ctx.port, policy('policy=office-only')), clientRequest('/', fetchHeaders(ctx.alice)));
    assert.equal(unlisted.client?.status, 403);
  });

  it('a forged identity header gatehouse has no value for never reaches the app (x-envoy-auth-headers-to-remove)', async () => {
    // carol is in no group: gatehouse names X-Auth-Request-Groups for removal instead of answering it.
    const forged = [...fetchHeaders(ctx.carol), ['X-Auth-Request-Groups', 'admins']] as const;
    const replay = await through(envoyGateway(ctx.port, policy('')), clientRequest('/', forged));
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-user'), ['carol']);
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-groups').filter(Boolean), []);
  });

  it('sends the original method, Host and prefix + path, Content-Length 0, only the listed headers', async () => {
    const replay = await through(
      envoyGateway(ctx.port, policy('allowed_groups=admins')),
      clientRequest('/orders/7?draft=1', [...navigationHeaders(ctx.alice), ['Authorization', 'Bearer abc'], ['X-Custom', 'kept out']], { method: 'PUT', body: '{"a":1}' }),
    );
    const { check } = replay;
    assert.equal(check.method, 'PUT');
    assert.equal(check.target, '/oauth2/ext-authz-route/allowed_groups=admins/orders/7?draft=1');
    assert.equal(check.body, undefined);
    assert.equal(headerOf(check, 'host'), 'app.localtest');
    assert.equal(headerOf(check, 'content-length'), '0');
    assert.equal(headerOf(check, 'x-forwarded-proto'), 'https');
    assert.equal(headerOf(check, 'x-custom'), undefined);
    assert.equal(headerOf(check, 'user-agent'), undefined, 'not listed, so not sent');
    assert.equal(headerOf(check, 'x-envoy-internal'), 'true');
    assert.equal(headerOf(check, 'x-forwarded-for'), ENVOY_ADDRESS, 'x-forwarded-for is not listed: only the async client appends Envoy itself');
    assert.equal(replay.auth.status, 200);
  });

  it('without cookie in headersToExtAuth the session never reaches gatehouse: a signed-in user is sent to sign-in forever', async () => {
    const withoutCookie = envoyGateway(ctx.port, policy('', HEADERS_TO_EXT_AUTH.filter((h) => h !== 'cookie')));
    const replay = await through(withoutCookie, clientRequest('/reports', navigationHeaders(ctx.alice)));
    assert.equal(headerOf(replay.check, 'cookie'), undefined);
    assert.equal(replay.client?.status, 302);
    assert.equal(headerOf(replay.client, 'location'), signInUrl(ctx.origin, 'https://app.localtest/reports'));
    const api = await through(withoutCookie, clientRequest('/api/items', fetchHeaders(ctx.alice)));
    assert.equal(api.client?.status, 401);
  });

  it('without accept and sec-fetch-mode listed, a browser is not told apart from a script: 401, not a redirect', async () => {
    const bare = envoyGateway(ctx.port, policy('', ['cookie']));
    const replay = await through(bare, clientRequest('/reports', navigationHeaders()));
    assert.equal(replay.client?.status, 401);
  });

  it('without x-forwarded-proto listed, the rd takes the sign-in URL\'s scheme (http here)', async () => {
    const noProto = envoyGateway(ctx.port, policy('', HEADERS_TO_EXT_AUTH.filter((h) => h !== 'x-forwarded-proto')));
    const replay = await through(noProto, clientRequest('/reports?y=1', navigationHeaders()));
    assert.equal(headerOf(replay.client, 'location'), signInUrl(ctx.origin, 'http://app.localtest/reports?y=1'));
  });

  it('a denial reaches the client with every gatehouse header but Host: Location, WWW-Authenticate, Cache-Control', async () => {
    const replay = await through(envoyGateway(ctx.port, policy('')), clientRequest('/reports', navigationHeaders()));
    assert.equal(headerOf(replay.client, 'cache-control'), 'no-store');
    assert.ok(headerOf(replay.client, 'location'));
  });

  it('only the headers in headersToBackend reach the app from the answer', async () => {
    const narrow: EnvoyGatewayExtAuth = { http: { path: '/oauth2/ext-authz', headersToBackend: ['x-auth-request-user'] }, headersToExtAuth: HEADERS_TO_EXT_AUTH };
    const replay = await through(envoyGateway(ctx.port, narrow), clientRequest('/', fetchHeaders(ctx.alice)));
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-user'), ['alice']);
    assert.equal(headerOf(replay.upstream, 'x-auth-request-email'), undefined);
  });
});

/**
 * Traefik's ForwardAuth middleware in front of a real gatehouse, replayed request by request (no
 * Traefik binary runs here): the shared scenarios with the route policy in the address's query,
 * the exact auth request, forged X-Forwarded-* from a client, and what reaches the app.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clientRequest, fetchHeaders, IDENTITY_HEADERS, navigationHeaders } from './client-request.ts';
import { headerOf, headersOf } from './raw-http.ts';
import { proxyScenarios, through } from './proxy-scenarios.ts';
import { signInUrl, startReplayHarness, type ReplayHarness } from './replay-harness.ts';
import { canonical, traefik, type TraefikForwardAuth } from './traefik-forward-auth.ts';

describe('Traefik ForwardAuth (replayed)', () => {
  let ctx: ReplayHarness;
  before(async () => {
    ctx = await startReplayHarness();
  });
  after(() => ctx.stop());

  /** The Middleware for a route: the policy rides in the address's query, as with auth-url. */
  const middleware = (query: string): TraefikForwardAuth => ({
    address: `${ctx.origin}/oauth2/forward-auth${query === '' ? '' : `?${query}`}`,
    authResponseHeaders: IDENTITY_HEADERS.map(canonical),
  });

  proxyScenarios(() => ctx, (query) => traefik(middleware(query)));

  it('asks with a GET to the address as written, the original request in X-Forwarded-*, no body', async () => {
    const replay = await through(
      traefik(middleware('allowed_groups=admins&backend=none')),
      clientRequest('/orders/7?draft=1', [...navigationHeaders(ctx.alice), ['Connection', 'keep-alive, X-Hop'], ['X-Hop', 'dropped'], ['Upgrade', 'h2c']], {
        method: 'DELETE',
        host: 'app.localtest:8443',
      }),
    );
    const { check } = replay;
    assert.equal(check.method, 'GET');
    assert.equal(check.target, '/oauth2/forward-auth?allowed_groups=admins&backend=none');
    assert.equal(check.body, undefined);
    assert.equal(headerOf(check, 'host'), new URL(ctx.origin).host);
    assert.equal(headerOf(check, 'x-forwarded-method'), 'DELETE');
    assert.equal(headerOf(check, 'x-forwarded-proto'), 'https');
    assert.equal(headerOf(check, 'x-forwarded-host'), 'app.localtest:8443');
    assert.equal(headerOf(check, 'x-forwarded-uri'), '/orders/7?draft=1');
    assert.equal(headerOf(check, 'x-forwarded-for'), '203.0.113.7');
    assert.equal(headerOf(check, 'x-forwarded-port'), '8443');
    for (const hop of ['connection', 'x-hop', 'upgrade']) assert.equal(headerOf(check, hop), undefined, hop);
    assert.ok(headerOf(check, 'cookie'), 'every client header is copied, the session cookie with them');
    assert.equal(replay.auth.status, 200);
  });

  it('forged X-Forwarded-* from the client are replaced by Traefik: gatehouse judges the real request', async () => {
    const forged = [
      ...navigationHeaders(ctx.bob),
      ['X-Forwarded-Uri', '/docs/guide'],
      ['X-Forwarded-Method', 'GET'],
      ['X-Forwarded-Host', 'evil.example'],
      ['X-Forwarded-For', '10.0.0.1'],
    ] as const;
    const replay = await through(traefik(middleware('policy=reads-only')), clientRequest('/admin/', forged, { method: 'POST' }));
    assert.equal(headerOf(replay.check, 'x-forwarded-uri'), '/admin/');
    assert.equal(headerOf(replay.check, 'x-forwarded-host'), 'app.localtest');
    assert.deepEqual(headersOf(replay.check, 'x-forwarded-for'), ['203.0.113.7']);
    assert.equal(replay.client?.status, 403);
  });

  it('X-Forwarded-For is the client\'s address, so a source_networks policy judges the client', async () => {
    const office = await through(traefik(middleware('policy=office-only')), clientRequest('/', fetchHeaders(ctx.alice)));
    assert.equal(office.auth.status, 200);
    const forged = await through(traefik(middleware('policy=cluster-only')), clientRequest('/', [...fetchHeaders(ctx.alice), ['X-Forwarded-For', '10.0.0.1']]));
    assert.equal(forged.client?.status, 403);
  });

  it('a redirect keeps the original host and port in rd; the sign-in URL is absolute, so Traefik leaves it as it is', async () => {
    const replay = await through(traefik(middleware('')), clientRequest('/a?b=1', navigationHeaders(), { host: 'app.localtest:8443' }));
    assert.equal(headerOf(replay.client, 'location'), signInUrl(ctx.origin, 'https://app.localtest:8443/a?b=1'));
    assert.equal(headerOf(replay.client, 'cache-control'), 'no-store');
  });

  it('only the authResponseHeaders reach the app from the answer; a forged one not answered is still removed', async () => {
    const narrow: TraefikForwardAuth = { address: `${ctx.origin}/oauth2/forward-auth`, authResponseHeaders: ['X-Auth-Request-User', 'X-Auth-Request-Groups'] };
    const forged = [...fetchHeaders(ctx.carol), ['X-Auth-Request-Groups', 'admins'], ['X-Auth-Request-Email', 'root@example.com']] as const;
    const replay = await through(traefik(narrow), clientRequest('/', forged));
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-user'), ['carol']);
    // carol is in no group: gatehouse answers the header empty (or not at all), and either way
    // Traefik deletes the client's copy.
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-groups').filter(Boolean), []);
    // Not listed: the client's forged value passes, which is why the examples list every identity header.
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-email'), ['root@example.com']);
  });

  it('authResponseHeadersRegex copies every identity header and removes the client\'s', async () => {
    const regex: TraefikForwardAuth = { address: `${ctx.origin}/oauth2/forward-auth`, authResponseHeadersRegex: '^X-Auth-Request-' };
    const forged = [...fetchHeaders(ctx.alice), ['X-Auth-Request-Roles', 'superuser']] as const;
    const replay = await through(traefik(regex), clientRequest('/', forged));
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-user'), ['alice']);
    // alice has no roles here: the forged value is gone, whether replaced by an empty one or removed.
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-roles').filter(Boolean), []);
  });
});

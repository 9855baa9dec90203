/**
 * The scenarios every redirecting proxy family must pass through gatehouse, asserted on what the
 * client and the upstream app see: sign-in redirects with the full original URL, 303 after a
 * POST, 401 for scripts, identity headers replacing spoofed ones, the denied page, named policies
 * judged on the original method and path, and a route with a backend. Each replay test file runs
 * them with its proxy's route form and adds what only its proxy does.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { clientRequest, fetchHeaders, navigationHeaders, xhrHeaders, type Replay, type ReplayProxy } from './client-request.ts';
import { headerOf, headersOf } from './raw-http.ts';
import { signInUrl, type ReplayHarness } from './replay-harness.ts';

/** A proxy protecting one route: '' for "signed in is enough", else an auth-url query. */
export type RouteProxy = (routeQuery: string) => ReplayProxy;

/**
 * Asserts what holds for every answer: gatehouse allows with 200 and nothing else in 2xx (Envoy
 * denies a 202), and a request is either let through or answered, never both.
 */
export function assertShape(replay: Replay): Replay {
  const { status } = replay.auth;
  assert.ok(status === 200 || status >= 300, `gatehouse answered ${status}: a 2xx other than 200 is a denial for Envoy`);
  assert.ok((replay.client === undefined) !== (replay.upstream === undefined), 'a request is either let through or answered');
  return replay;
}

/** Sends through `proxy` and checks the shape. */
export async function through(proxy: ReplayProxy, ...args: Parameters<ReplayProxy>): Promise<Replay> {
  return assertShape(await proxy(...args));
}

/** Registers the shared scenarios; `ctx` is read when the tests run (after the harness started). */
export function proxyScenarios(ctx: () => ReplayHarness, route: RouteProxy): void {
  it('a signed-out browser navigation is sent to sign-in with the full original URL, query included', async () => {
    const { origin } = ctx();
    const replay = await through(route(''), clientRequest('/reports/q?y=1&z=%2Fa', navigationHeaders()));
    assert.equal(replay.client?.status, 302);
    assert.equal(headerOf(replay.client, 'location'), signInUrl(origin, 'https://app.localtest/reports/q?y=1&z=%2Fa'));
  });

  it('a signed-out form POST is answered 303 to sign-in, so the browser follows with a GET', async () => {
    const { origin } = ctx();
    const replay = await through(route(''), clientRequest('/orders?draft=1', navigationHeaders(), { method: 'POST', body: 'item=1' }));
    assert.equal(replay.client?.status, 303);
    assert.equal(headerOf(replay.client, 'location'), signInUrl(origin, 'https://app.localtest/orders?draft=1'));
  });

  it('a signed-out XHR or fetch gets 401 with WWW-Authenticate, never a redirect', async () => {
    for (const headers of [xhrHeaders(), fetchHeaders()]) {
      const replay = await through(route(''), clientRequest('/api/items', headers));
      assert.equal(replay.client?.status, 401);
      assert.ok(headerOf(replay.client, 'www-authenticate'), 'the challenge reaches the client');
      assert.equal(headerOf(replay.client, 'location'), undefined);
    }
  });

  it('alice is let through with her identity, which replaces the identity headers she forged', async () => {
    const { alice } = ctx();
    const forged = [...navigationHeaders(alice), ['X-Auth-Request-User', 'mallory'], ['X-Auth-Request-Email', 'mallory@example.com'], ['X-Auth-Request-Groups', 'root']] as const;
    const replay = await through(route(''), clientRequest('/reports?y=1', forged));
    assert.equal(replay.auth.status, 200);
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-user'), ['alice']);
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-email'), ['alice@example.com']);
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-groups'), ['admins,devs']);
    assert.equal(replay.upstream?.uri, '/reports?y=1');
  });

  it('bob on an admins route: the denied page for a navigation, a bare 403 for an API call', async () => {
    const { bob, alice } = ctx();
    const page = await through(route('allowed_groups=admins'), clientRequest('/admin/users', navigationHeaders(bob)));
    assert.equal(page.client?.status, 403);
    assert.match(headerOf(page.client, 'content-type') ?? '', /^text\/html/);
    assert.match(page.client?.body ?? '', /signed in as <strong id="denied-user">bob<\/strong>/);
    const api = await through(route('allowed_groups=admins'), clientRequest('/admin/users.json', fetchHeaders(bob)));
    assert.equal(api.client?.status, 403);
    assert.equal(api.client?.body, '');
    const allowed = await through(route('allowed_groups=admins'), clientRequest('/admin/users', navigationHeaders(alice)));
    assert.equal(allowed.auth.status, 200);
  });

  it('a named policy judges the original method and the normalised original path', async () => {
    const { bob } = ctx();
    const reads = route('policy=reads-only');
    const cases: Array<[method: string, uri: string, status: number]> = [
      ['GET', '/docs/guide?page=2', 200],
      ['HEAD', '/docs/guide', 200],
      ['POST', '/docs/guide', 403],
      ['GET', '/admin/', 403],
      ['GET', '/docs/%2e%2e/admin/', 403],
      ['GET', '/docs/..%2fadmin/', 403],
    ];
    for (const [method, uri, status] of cases) {
      const replay = await through(reads, clientRequest(uri, fetchHeaders(bob), { method }));
      assert.equal(replay.client?.status ?? replay.auth.status, status, `${method} ${uri}`);
    }
  });

  it('a source_networks policy never takes the proxy\'s own address for the client\'s', async () => {
    const { alice } = ctx();
    // The client is at 203.0.113.7, outside 10.0.0.0/8; the proxies themselves run inside it. Where
    // the proxy does not pass the client's address on, the policy has none and refuses.
    const replay = await through(route('policy=cluster-only'), clientRequest('/', fetchHeaders(alice)));
    assert.equal(replay.client?.status, 403);
  });

  it('a route with backend=none lets alice through with her identity and no backend credential', async () => {
    const { alice } = ctx();
    const replay = await through(route('backend=none'), clientRequest('/', fetchHeaders(alice)));
    assert.equal(replay.auth.status, 200);
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-user'), ['alice']);
    assert.equal(headerOf(replay.auth, 'authorization'), undefined);
  });
}

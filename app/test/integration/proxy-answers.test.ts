/**
 * What forward-auth and ext-authz answer a real session beyond the shared adapter contract: the
 * denied page with what the route needs (when allowed) or the unusable-account text, every owned
 * identity header on an allow (empty when gatehouse has no value, so a proxy replaces a client's
 * copy, or named for Envoy to remove), and a route query that is only the client's own query refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../support/harness.ts';

const PAGE = { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate' };

function forwarded(uri: string, method = 'GET'): Record<string, string> {
  return { 'x-forwarded-method': method, 'x-forwarded-proto': 'http', 'x-forwarded-host': 'app.localtest', 'x-forwarded-uri': uri, 'x-forwarded-for': '198.51.100.9' };
}

describe('forward-auth and ext-authz answers', () => {
  let h: Harness;
  let bob: string;
  let carol: string;
  let mallory: string;
  before(async () => {
    h = await startHarness({ GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.1/32,::1/128', GATEHOUSE_SHOW_DENIAL_DETAILS: 'true' });
    [bob, carol, mallory] = [await h.signIn('bob'), await h.signIn('carol'), await h.signIn('mallory')];
  });
  after(() => h.stop());

  it('the denied page says what the route needs, at forward-auth and ext-authz alike', async () => {
    const viaForward = await h.request('/oauth2/forward-auth?allowed_groups=admins', { headers: { ...PAGE, ...forwarded('/admin'), cookie: bob } });
    const viaEnvoy = await h.request('/oauth2/ext-authz-route/allowed_groups=admins/admin', { headers: { ...PAGE, host: 'app.localtest', cookie: bob } });
    for (const res of [viaForward, viaEnvoy]) {
      assert.equal(res.status, 403);
      assert.match(res.body, /membership of admins/);
      assert.match(res.body, /id="denied-user">bob</);
      assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
    }
    const api = await h.request('/oauth2/forward-auth?allowed_groups=admins', { headers: { accept: 'application/json', ...forwarded('/admin'), cookie: bob } });
    assert.equal(api.status, 403);
    assert.equal(api.body, '', 'an API client gets a bare 403');
  });

  it('an account whose claims cannot be passed on is told so', async () => {
    const res = await h.request('/oauth2/forward-auth', { headers: { ...PAGE, ...forwarded('/'), cookie: mallory } });
    assert.equal(res.status, 403);
    assert.match(res.body, /cannot be used here/);
  });

  it('an allow carries every owned identity header, empty where gatehouse has no value', async () => {
    const res = await h.request('/oauth2/forward-auth', { headers: { ...forwarded('/'), cookie: carol } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-auth-request-user'], 'carol');
    assert.equal(res.headers['x-auth-request-groups'], '', 'carol has no groups: the client cannot supply some');
    assert.equal(res.headers['x-auth-request-source'], 'session');
    assert.equal(res.headers['es-trustedauth'], '');
    const envoy = await h.request('/oauth2/ext-authz/', { headers: { host: 'app.localtest', cookie: carol } });
    assert.equal(envoy.status, 200);
    assert.equal(envoy.headers['x-auth-request-groups'], undefined);
    assert.deepEqual(String(envoy.headers['x-envoy-auth-headers-to-remove']).split(','), [
      'X-Auth-Request-Groups',
      'X-Auth-Request-Roles',
      'ES-TrustedAuth',
    ], 'Envoy removes the client copies of what gatehouse left out');
    const nginx = await h.request('/oauth2/auth', { headers: { cookie: carol } });
    assert.equal(nginx.headers['x-auth-request-groups'], undefined, 'auth_request answers are unchanged: nginx sets every copied header');
  });

  it("a route query that is the client's own query is refused, never used as the policy", async () => {
    const res = await h.request('/oauth2/forward-auth?allowed_groups=devs', { headers: { ...forwarded('/x?allowed_groups=devs'), cookie: bob } });
    assert.equal(res.status, 400);
    const distinct = await h.request('/oauth2/forward-auth?allowed_groups=devs', { headers: { ...forwarded('/x?page=2'), cookie: bob } });
    assert.equal(distinct.status, 200);
    const noPolicy = await h.request('/oauth2/forward-auth?', { headers: { ...forwarded('/x?allowed_groups=admins'), cookie: bob } });
    assert.equal(noPolicy.status, 200, "an address ending in '?' keeps the client's query out of the decision");
  });
});

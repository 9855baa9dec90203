/**
 * Callbacks per host: without GATEHOUSE_REDIRECT_URL, a sign-in through app1.localtest comes back
 * to app1.localtest/oauth2/callback and one through app2.localtest to app2's, each with its own
 * host-only session cookie, the token exchange repeating that exact redirect_uri (the provider
 * refuses any other). A host outside GATEHOUSE_ALLOWED_REDIRECT_DOMAINS gets a 400 page, never a sign-in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { httpRequest } from '../../../e2e/support/http-client.ts';
import { signInOverHttp } from '../../../e2e/support/http-login.ts';
import { getWithJar } from '../support/login-steps.ts';
import { startProvidersHarness, type ProvidersHarness } from '../support/providers-harness.ts';

describe('a callback per host', () => {
  let h: ProvidersHarness;
  before(async () => {
    h = await startProvidersHarness({ perHost: true });
  });
  after(() => h.stop());

  const app = (n: number) => `http://app${n}.localtest:${h.port}`;

  for (const n of [1, 2]) {
    it(`app${n}.localtest signs in with its own callback and gets a cookie for itself only`, async () => {
      const grants = h.staff.counters.authorizationCodeGrants;
      const start = await httpRequest(`${app(n)}/oauth2/start?provider=default&rd=%2Fhome`);
      assert.equal(start.status, 302);
      assert.equal(new URL(start.headers.location ?? '').searchParams.get('redirect_uri'), `${app(n)}/oauth2/callback`);
      const signedIn = await signInOverHttp(app(n), { login: 'alice', password: 'alice', provider: 'default', rd: '/home' });
      assert.equal(signedIn.finalUrl, `${app(n)}/home`);
      assert.equal(h.staff.counters.authorizationCodeGrants - grants, 1, 'the provider accepted the exchange with that redirect_uri');
      const check = await httpRequest(`${app(n)}/oauth2/auth`, { headers: { cookie: signedIn.cookieHeader } });
      assert.equal(check.status, 200);
      assert.equal(check.headers['x-auth-request-user'], 'alice');
      const other = app(3 - n);
      assert.equal(signedIn.jar.header(new URL(other)), '', 'no cookie of one app reaches the other');
    });
  }

  it('a listed provider signs in per host too', async () => {
    const signedIn = await signInOverHttp(app(2), { login: 'bob', password: 'bob', provider: 'partners' });
    const check = await httpRequest(`${app(2)}/oauth2/auth`, { headers: { cookie: signedIn.cookieHeader } });
    assert.equal(check.headers['x-auth-request-user'], 'bob@example.com');
  });

  it('a host outside the allowed hosts gets a 400 page: no state, no cookie, no provider', async () => {
    for (const host of ['evil.example', `evil.example:${h.port}`, `app1.localtest.evil.example:${h.port}`, '', `127.0.0.1:${h.port}`]) {
      const res = await httpRequest(`http://127.0.0.1:${h.port}/oauth2/start?provider=default&rd=%2F`, { headers: { host, accept: 'text/html' } });
      assert.equal(res.status, 400, host);
      assert.equal(res.headers.location, undefined, host);
      assert.deepEqual(res.setCookies, [], host);
      assert.match(res.body, /does not sign people in at the address/, host);
    }
    const chooser = await httpRequest(`http://127.0.0.1:${h.port}/oauth2/start`, { headers: { host: 'evil.example', accept: 'text/html' } });
    assert.equal(chooser.status, 400, 'not even the chooser page');
    const escaped = await httpRequest(`http://127.0.0.1:${h.port}/oauth2/start`, { headers: { host: 'a"<b>', accept: 'text/html' } });
    assert.ok(escaped.status === 400 && !escaped.body.includes('<b>'), 'the host is escaped on the page');
  });

  it('the token exchange repeats the sealed redirect_uri, whatever host the callback comes through', async () => {
    const { jar } = await signInOverHttp(app(1), { login: 'carol', password: 'carol', provider: 'default' });
    let url = new URL(`${app(1)}/oauth2/start?provider=default&rd=%2F`);
    for (let hop = 0; hop < 10 && url.pathname !== '/oauth2/callback'; hop++) {
      const res = await getWithJar(jar, url);
      url = new URL(res.headers.location ?? '', url);
    }
    assert.equal(url.origin, app(1));
    // The same callback, sent through app2 with app1's sign-in cookie: were the redirect_uri taken
    // from this request's Host, the provider would refuse the code (it was issued for app1's).
    const through2 = new URL(`${url.pathname}${url.search}`, app(2));
    const res = await httpRequest(through2, { headers: { cookie: jar.header(url) } });
    assert.equal(res.status, 302, res.body.slice(0, 200));
    assert.ok(res.setCookies.some((c) => c.startsWith('gatehouse=')), 'signed in');
  });

  it('sign-out sends the provider back to the host it came through', async () => {
    const signedIn = await signInOverHttp(app(2), { login: 'alice', password: 'alice', provider: 'default' });
    const out = await httpRequest(`${app(2)}/oauth2/sign_out`, { headers: { cookie: signedIn.cookieHeader } });
    assert.equal(new URL(out.headers.location ?? '').searchParams.get('post_logout_redirect_uri'), `${app(2)}/oauth2/signed_out`);
  });
});

/**
 * Several identity providers in one deployment, against two real OpenID Providers: sign-in
 * through each (chosen by provider=, or on the chooser page), each provider's own claims and
 * roles, the mix-up defence at the callback (RFC 9207), refresh and back-channel logout reaching
 * only the provider a session signed in with, and readiness per provider.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CookieJar } from '../../../e2e/support/cookie-jar.ts';
import { httpRequest } from '../../../e2e/support/http-client.ts';
import { signInOverHttp } from '../../../e2e/support/http-login.ts';
import { getWithJar, logoutAtProvider } from '../support/login-steps.ts';
import { startProvidersHarness, type ProvidersHarness } from '../support/providers-harness.ts';

describe('several identity providers', () => {
  let h: ProvidersHarness;
  before(async () => {
    h = await startProvidersHarness({ env: { GATEHOUSE_SET_AUTHORIZATION_HEADER: 'access_token', GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.1/32' } });
  });
  after(() => h.stop());

  const check = (cookie: string) => httpRequest(`${h.baseUrl}/oauth2/auth`, { headers: { cookie } });
  const signIn = (login: string, provider: string, jar?: CookieJar) =>
    signInOverHttp(h.baseUrl, { login, password: login, provider, ...(jar && { jar }) });

  /** Starts a sign-in with `provider` and follows redirects to the callback, unsent; the jar holds the IdP session. */
  async function callbackFor(jar: CookieJar, provider: string): Promise<URL> {
    let url = new URL(`/oauth2/start?provider=${provider}&rd=%2F`, h.baseUrl);
    for (let hop = 0; hop < 10; hop++) {
      const res = await getWithJar(jar, url);
      assert.ok(res.headers.location, `no redirect from ${url.href}: ${res.status}`);
      url = new URL(res.headers.location, url);
      if (url.pathname === '/oauth2/callback') return url;
    }
    throw new Error('never reached the callback');
  }

  it('/oauth2/start without a choice shows every provider as a link that keeps rd; an unknown provider is 400', async () => {
    const page = await httpRequest(`${h.baseUrl}/oauth2/start?rd=%2Freports%3Fy%3D1`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
    assert.equal(page.setCookies.length, 0, 'asking starts no sign-in');
    const links = [...page.body.matchAll(/<a id="provider-([a-z-]+)" href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2], m[3]]);
    assert.deepEqual(links, [
      ['default', '/oauth2/start?provider=default&amp;rd=%2Freports%3Fy%3D1', new URL(h.staff.issuer).host],
      ['partners', '/oauth2/start?provider=partners&amp;rd=%2Freports%3Fy%3D1', 'Partner &lt;account&gt;'],
    ]);
    const unknown = await httpRequest(`${h.baseUrl}/oauth2/start?provider=nobody`, { headers: { accept: 'text/html' } });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body, /names an identity provider this service does not know/);
    const started = await httpRequest(`${h.baseUrl}/oauth2/start?provider=partners&rd=%2F`);
    assert.equal(started.status, 302);
    const authorize = new URL(started.headers.location ?? '');
    assert.equal(authorize.origin, h.partners.issuer);
    assert.equal(authorize.searchParams.get('client_id'), 'gatehouse-partners');
  });

  it("the app's host chooses the provider whose hosts cover it: by an absolute rd, or the host /oauth2/start came through", async () => {
    const byRd = await httpRequest(`${h.baseUrl}/oauth2/start?rd=${encodeURIComponent('http://partners.localtest/orders')}`);
    assert.equal(new URL(byRd.headers.location ?? '').origin, h.partners.issuer);
    const byHost = await httpRequest(`${h.baseUrl}/oauth2/start?rd=%2F`, { headers: { host: 'partners.localtest' } });
    assert.equal(new URL(byHost.headers.location ?? '').origin, h.partners.issuer);
    const named = await httpRequest(`${h.baseUrl}/oauth2/start?provider=default&rd=${encodeURIComponent('http://partners.localtest/orders')}`);
    assert.equal(new URL(named.headers.location ?? '').origin, h.staff.issuer, 'provider= wins over the host');
    const other = await httpRequest(`${h.baseUrl}/oauth2/start?rd=${encodeURIComponent('http://app.localtest/x')}`);
    assert.equal(other.status, 200, 'a host no provider claims: the chooser');
  });

  it('each provider signs in with its own claims mapping and roles', async () => {
    const staff = await signIn('alice', 'default');
    const partner = await signIn('alice', 'partners');
    const asStaff = await check(staff.cookieHeader);
    const asPartner = await check(partner.cookieHeader);
    assert.equal(asStaff.status, 200);
    assert.equal(asPartner.status, 200);
    assert.equal(asStaff.headers['x-auth-request-user'], 'alice');
    assert.equal(asPartner.headers['x-auth-request-user'], 'alice@example.com', "the partners' username is the email");
    assert.equal(asStaff.headers['x-auth-request-roles'], 'staff_admin');
    assert.equal(asPartner.headers['x-auth-request-roles'], 'partner_admin');
    const bob = await check((await signIn('bob', 'partners')).cookieHeader);
    assert.equal(bob.headers['x-auth-request-roles'], 'partner_reader', "the partners' default roles");
  });

  it('a callback is accepted only from the provider the sign-in went to: the other iss, or none, is 403', async () => {
    const staffJar = (await signIn('carol', 'default')).jar;
    const partnersJar = (await signIn('carol', 'partners')).jar;
    const grants = { staff: h.staff.counters.authorizationCodeGrants, partners: h.partners.counters.authorizationCodeGrants };
    const attempts: Array<[string, (own: URL, other: URL) => URL]> = [
      ["the other provider's code and iss", (own, other) => withParams(own, { code: other.searchParams.get('code'), iss: other.searchParams.get('iss') })],
      ["the other provider's iss", (own, other) => withParams(own, { iss: other.searchParams.get('iss') })],
      ['no iss from a provider that sends it', (own) => withParams(own, { iss: null })],
    ];
    for (const [what, forge] of attempts) {
      for (const [jar, provider, otherJar, otherProvider] of [
        [staffJar, 'default', partnersJar, 'partners'],
        [partnersJar, 'partners', staffJar, 'default'],
      ] as const) {
        const own = await callbackFor(jar, provider);
        const other = await callbackFor(otherJar, otherProvider);
        const res = await getWithJar(jar, forge(own, other), { accept: 'text/html' });
        assert.equal(res.status, 403, `${what}, sign-in with ${provider}`);
        assert.match(res.body, /Sign-in came back from another provider/);
        assert.ok(!res.setCookies.some((c) => /^gatehouse=[^;]/.test(c)), 'no session');
      }
    }
    assert.deepEqual(
      { staff: h.staff.counters.authorizationCodeGrants, partners: h.partners.counters.authorizationCodeGrants },
      grants,
      'no code reached any token endpoint',
    );
    const honest = await getWithJar(partnersJar, await callbackFor(partnersJar, 'partners'));
    assert.equal(honest.status, 302, 'the untouched callback still signs in');
  });

  it('a session is refreshed by the provider it signed in with, and only by it', async () => {
    const staff = (await signIn('bob', 'default')).cookieHeader;
    const partner = (await signIn('bob', 'partners')).cookieHeader;
    const before = { staff: h.staff.counters.refreshGrants, partners: h.partners.counters.refreshGrants };
    const oldToken = (await check(partner)).headers.authorization;
    // The test providers issue 300 s access tokens; refresh starts 60 s before expiry.
    h.advance(250_000);
    const refreshed = await check(partner);
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.headers.authorization, oldToken);
    assert.equal(h.partners.counters.refreshGrants - before.partners, 1);
    assert.equal(h.staff.counters.refreshGrants - before.staff, 0, "the partner's refresh token never went to the staff provider");
    assert.equal((await check(staff)).status, 200);
    assert.equal(h.staff.counters.refreshGrants - before.staff, 1);
  });

  it('back-channel logout ends only the sessions of the provider that sent it, though the sub is the same', async () => {
    const staff = await signIn('carol', 'default');
    const partner = await signIn('carol', 'partners');
    await logoutAtProvider(partner.jar, h.partners.issuer);
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      await sleep(50);
      status = (await check(partner.cookieHeader)).status;
    }
    assert.equal(status, 401, "the partners' logout ended the partner session");
    assert.equal((await check(staff.cookieHeader)).status, 200, 'the staff session of the same sub stays');
    await logoutAtProvider(staff.jar, h.staff.issuer);
    status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      await sleep(50);
      status = (await check(staff.cookieHeader)).status;
    }
    assert.equal(status, 401);
  });

  it('signing out of a partner session goes through the partner provider', async () => {
    const partner = await signIn('alice', 'partners');
    const out = await httpRequest(`${h.baseUrl}/oauth2/sign_out`, { headers: { cookie: partner.cookieHeader } });
    assert.equal(out.status, 302);
    const endSession = new URL(out.headers.location ?? '');
    assert.equal(endSession.origin, h.partners.issuer);
    assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${h.baseUrl}/oauth2/signed_out`);
    assert.equal((await check(partner.cookieHeader)).status, 401);
  });

  it("a forward-auth route's provider= rides along to sign-in, which goes to that provider", async () => {
    const forwarded = { accept: 'text/html', 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'app.localtest', 'x-forwarded-uri': '/reports' };
    const res = await httpRequest(`${h.baseUrl}/oauth2/forward-auth?provider=partners`, { headers: forwarded });
    assert.equal(res.status, 302);
    const signIn = new URL(res.headers.location ?? '');
    assert.equal(signIn.pathname, '/oauth2/start');
    assert.equal(signIn.searchParams.get('provider'), 'partners');
    assert.equal(signIn.searchParams.get('rd'), 'http://app.localtest/reports');
    const start = await httpRequest(signIn);
    assert.equal(new URL(start.headers.location ?? '').origin, h.partners.issuer);
    const bad = await httpRequest(`${h.baseUrl}/oauth2/forward-auth?provider=No%20Such`, { headers: forwarded });
    assert.equal(bad.status, 500, 'a malformed provider in a route is a configuration fault, never an allow');
  });

  it('readiness reports each provider', async () => {
    const res = await httpRequest(`${h.baseUrl}/readyz`);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body).checks.providers, { partners: true });
  });
});

/** `url` with `params` set (null removes one). */
function withParams(url: URL, params: Record<string, string | null>): URL {
  const copy = new URL(url);
  for (const [name, value] of Object.entries(params)) {
    if (value === null) copy.searchParams.delete(name);
    else copy.searchParams.set(name, value);
  }
  return copy;
}

/**
 * Sign-in through Elasticsearch's OpenID Connect realm with gatehouse as its facilitator, against
 * the Elasticsearch stand-in acting as the relying party of the real test IdP: the check answers
 * backend=elasticsearch-oidc with Elasticsearch's own access token, refreshes it once for many
 * concurrent checks, ends the session when Elasticsearch refuses the refresh token, and signs out
 * through Elasticsearch's logout. Elasticsearch refusing or missing is a page with a stable code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CookieJar } from '../../../e2e/support/cookie-jar.ts';
import { signInAtProvider } from '../../../e2e/support/provider-login.ts';
import { startRealmHarness, type RealmHarness } from '../support/realm-harness.ts';

const TOKEN_PATH = '/_security/oauth2/token';

describe('sign-in through the Elasticsearch OpenID Connect realm', () => {
  let h: RealmHarness;
  before(async () => {
    h = await startRealmHarness();
  });
  after(() => h?.stop());

  const check = (cookie: string, query = '?backend=elasticsearch-oidc') => h.request(`/oauth2/auth${query}`, { headers: { cookie } });

  /** The session record behind a Cookie header. */
  const recordOf = async (cookie: string) => {
    const resolved = await h.server.deps.sessions.resolve(cookie);
    assert.equal(resolved.state, 'active');
    if (resolved.state !== 'active') throw new Error('no session');
    return resolved;
  };

  it("answers with Elasticsearch's access token, which Elasticsearch accepts; the identity is what its realm decided", async () => {
    const cookie = await h.signIn('alice', '/kibana/app/home');
    const res = await check(cookie);
    assert.equal(res.status, 200);
    const authorization = String(res.headers.authorization);
    assert.match(authorization, /^Bearer [A-Za-z0-9+/=]{40,}$/);
    assert.ok(h.es.authenticate(authorization), 'Elasticsearch accepts the token');
    assert.equal(res.headers['x-auth-request-user'], 'alice');
    assert.equal(res.headers['x-auth-request-groups'], 'kibana_admin,viewer', "the roles Elasticsearch's role mappings granted");
    assert.equal((await check(cookie, '')).headers.authorization, undefined, 'other routes get no Elasticsearch token');
    const { record } = await recordOf(cookie);
    assert.equal(record.elasticsearchRealm, 'oidc1');
    assert.ok(!cookie.includes(record.tokens.accessToken ?? '-') && !cookie.includes(record.tokens.refreshToken ?? '-'), 'the tokens stay in the store');
    assert.equal(h.calls('/_security/oidc/prepare', 200) >= 1 && h.calls('/_security/oidc/authenticate', 200) >= 1, true);
  });

  it('refreshes once for 40 concurrent checks when the token is due, and the new token works', async () => {
    const cookie = await h.signIn('bob');
    const old = String((await check(cookie)).headers.authorization);
    const refreshes = h.calls(TOKEN_PATH);
    // The stand-in issues 1200 s tokens; gatehouse refreshes 60 s before expiry.
    h.advance(1_150_000);
    const answers = await Promise.all(Array.from({ length: 40 }, () => check(cookie)));
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
    assert.equal(h.calls(TOKEN_PATH) - refreshes, 1, 'exactly one refresh reached Elasticsearch');
    assert.ok(answers.every((a) => a.setCookies.length === 0), 'the cookie never changes');
    const fresh = String((await check(cookie)).headers.authorization);
    assert.notEqual(fresh, old);
    assert.ok(h.es.authenticate(fresh));
    assert.equal(h.calls(TOKEN_PATH) - refreshes, 1, 'the refreshed pair is reused');
  });

  it('a refresh token Elasticsearch refuses (invalid_grant) ends the session', async () => {
    const cookie = await h.signIn('carol');
    const { id, record } = await recordOf(cookie);
    await h.server.deps.store.set(id, { ...record, tokens: { ...record.tokens, refreshToken: 'vLBPvmAB6KvwvJZr27cS' } }, 3_600_000);
    h.advance(1_200_000);
    assert.equal((await check(cookie)).status, 401);
    assert.equal((await check(cookie)).status, 401, 'and stays ended');
    assert.equal((await h.server.deps.sessions.resolve(cookie)).state, 'expired');
  });

  it('while Elasticsearch cannot refresh, a token still valid goes on and an expired one is a 502, never passed on', async () => {
    const cookie = await h.signIn('alice');
    const before = String((await check(cookie)).headers.authorization);
    h.es.setFault({ kind: 'status', status: 503, path: TOKEN_PATH });
    try {
      h.advance(1_150_000);
      const due = await check(cookie);
      assert.deepEqual([due.status, due.headers.authorization], [200, before]);
      h.advance(60_000);
      const expired = await check(cookie);
      assert.equal(expired.status, 502);
      assert.equal(expired.headers.authorization, undefined);
    } finally {
      h.es.setFault(undefined);
    }
    h.advance(10_000);
    assert.equal((await check(cookie)).status, 200, 'and recovers with Elasticsearch');
  });

  it('sign-out calls logout, follows its redirect to the provider, and the token stops working', async () => {
    const cookie = await h.signIn('bob');
    const authorization = String((await check(cookie)).headers.authorization);
    const out = await h.request('/oauth2/sign_out', { headers: { cookie } });
    assert.equal(out.status, 302);
    const location = new URL(String(out.headers.location));
    assert.equal(`${location.origin}${location.pathname}`, `${h.idp.issuer}/session/end`);
    assert.equal(location.searchParams.get('post_logout_redirect_uri'), `${h.baseUrl}/oauth2/signed_out`);
    assert.ok(out.setCookies.some((c) => /^gatehouse=;/.test(c)), 'the session cookie is cleared');
    assert.equal(h.calls('/_security/oidc/logout', 200), 1);
    assert.equal(h.es.authenticate(authorization), false, 'Elasticsearch no longer takes the token');
    assert.equal((await check(cookie)).status, 401);
  });

  it("a callback is bound to the browser that started it: without its sign-in cookie Elasticsearch is never asked", async () => {
    const jar = new CookieJar();
    const start = await h.request('/oauth2/start?rd=/');
    jar.store(new URL(h.baseUrl), start.setCookies);
    const callback = await signInAtProvider(new URL(String(start.headers.location)), { login: 'alice', password: 'alice' }, `${h.baseUrl}/oauth2/callback`);
    const asked = h.calls('/_security/oidc/authenticate');
    const stranger = await h.request(`${callback.pathname}${callback.search}`, { headers: { accept: 'application/json' } });
    assert.deepEqual([stranger.status, JSON.parse(stranger.body).error], [403, 'login_state_unknown']);
    assert.equal(h.calls('/_security/oidc/authenticate'), asked);
    const owner = await h.request(`${callback.pathname}${callback.search}`, { headers: { cookie: jar.header(callback) } });
    assert.equal(owner.status, 302, 'the browser that started it completes it');
    const again = await h.request(`${callback.pathname}${callback.search}`, { headers: { cookie: jar.header(callback), accept: 'application/json' } });
    assert.equal(JSON.parse(again.body).error, 'login_state_unknown', 'once');
  });

  it('Elasticsearch refusing the sign-in is a page with the code login_elasticsearch_refused', async () => {
    const start = await h.request('/oauth2/start?rd=/');
    const state = new URL(String(start.headers.location)).searchParams.get('state');
    const cookie = start.setCookies.map((c) => c.split(';')[0]).join('; ');
    // A code the provider never issued: Elasticsearch's exchange at the token endpoint fails.
    const refused = await h.request(`/oauth2/callback?code=not-a-code&state=${state}&iss=${encodeURIComponent(h.idp.issuer)}`, { headers: { cookie } });
    assert.equal(refused.status, 403);
    assert.match(refused.body, /Sign-in refused by Elasticsearch/);
    assert.match(refused.body, /did not accept this sign-in.*error code: login_elasticsearch_refused/s);
    assert.match(h.es.oidcFailures.at(-1) ?? '', /invalid_grant|authorization code/i);
    const warning = h.logs.find((l) => l.msg === 'Elasticsearch refused the sign-in');
    assert.deepEqual([warning?.operation, warning?.status], ['oidc_authenticate', 401]);
  });

  it("a facilitator Elasticsearch does not accept, and an Elasticsearch that is down, are pages with stable codes", async () => {
    const wrong = await h.another({ GATEHOUSE_ELASTICSEARCH_PASSWORD: 'not-the-password' });
    const refused = await wrong.request('/oauth2/start?rd=/', { headers: { accept: 'application/json' } });
    assert.equal(refused.status, 403);
    assert.equal(JSON.parse(refused.body).error, 'login_elasticsearch_refused');
    assert.match(JSON.parse(refused.body).message, /this service's own account/);
    h.es.setFault({ kind: 'status', status: 503, path: '/_security/oidc/prepare', times: 1 });
    const down = await h.request('/oauth2/start?rd=/');
    assert.equal(down.status, 502);
    assert.match(down.body, /Elasticsearch unavailable/);
    assert.match(down.body, /elasticsearch_unavailable/);
    const gone = await h.another({ GATEHOUSE_ELASTICSEARCH_HOSTS: 'http://127.0.0.1:9' });
    assert.equal((await gone.request('/oauth2/start?rd=/')).status, 502);
  });

  it("with GATEHOUSE_ELASTICSEARCH_OIDC_ISSUER, prepare names the provider's issuer and Elasticsearch picks the realm", async () => {
    const byIssuer = await h.another({ GATEHOUSE_ELASTICSEARCH_OIDC_REALM: '', GATEHOUSE_ELASTICSEARCH_OIDC_ISSUER: h.idp.issuer });
    const start = await byIssuer.request('/oauth2/start?rd=/');
    assert.equal(start.status, 302);
    const location = new URL(String(start.headers.location));
    assert.equal(`${location.origin}${location.pathname}`, `${h.idp.issuer}/auth`);
    assert.equal(location.searchParams.get('client_id'), 'elasticsearch-rp');
    assert.ok(start.setCookies.some((c) => c.startsWith(`gatehouse_login_${location.searchParams.get('state')?.slice(0, 16)}=`)));
  });

  it('no token or password reaches a log line', () => {
    const text = JSON.stringify(h.logs);
    assert.ok(!/Bearer [A-Za-z0-9+/=]{20}/.test(text));
    assert.ok(!text.includes('facilitator-password'));
    for (const record of h.logs) assert.ok(!String(record.err ?? '').includes('code='), 'no callback URL with its code');
  });
});

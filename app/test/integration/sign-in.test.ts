/**
 * /oauth2/start and /oauth2/callback against a real OpenID Provider: PKCE, state and nonce,
 * redirects, parallel sign-ins, fixation, replay, provider errors and a dead provider.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signInOverHttp } from '../../../e2e/support/http-login.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { callbackUrlFor, getWithJar } from '../support/login-steps.ts';

describe('sign-in', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  it('start: 302 to the provider with PKCE S256, state and nonce, and a login cookie', async () => {
    const res = await h.request('/oauth2/start?rd=%2Fpage');
    assert.equal(res.status, 302);
    const target = new URL(res.headers.location ?? '');
    assert.equal(target.origin, h.idp.issuer);
    const q = target.searchParams;
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(q.get('state') ?? '', /^[A-Za-z0-9_-]{20,}$/);
    assert.match(q.get('nonce') ?? '', /^[A-Za-z0-9_-]{20,}$/);
    assert.equal(q.get('redirect_uri'), `${h.baseUrl}/oauth2/callback`);
    assert.equal(q.get('response_type'), 'code');
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.setCookies.length, 1);
    assert.match(res.setCookies[0] ?? '', /^gatehouse_login_[A-Za-z0-9_-]+=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600$/);
    assert.ok(!(res.setCookies[0] ?? '').includes(q.get('nonce') ?? 'x'), 'nonce and verifier are sealed');
  });

  it('lands on the exact rd, relative or absolute, with its query and %25 sequences', async () => {
    for (const rd of ['/some/path?a=1&b=x%20y', '/a%25b?q=%C3%A9', 'http://app.localtest:8080/abs-rd/page?x=1&y=/z']) {
      const result = await signInOverHttp(h.baseUrl, { login: 'alice', password: 'alice', rd });
      assert.equal(result.location, rd);
    }
  });

  it('a hostile rd falls back to /', async () => {
    for (const rd of ['//evil.example', '/\\evil.example', 'http://app.localtest:8080@evil.example/x', 'javascript:alert(1)', '/oauth2/sign_out', 'https://evil.example/']) {
      const result = await signInOverHttp(h.baseUrl, { login: 'alice', password: 'alice', rd });
      assert.equal(result.location, '/', rd);
    }
  });

  it('parallel sign-ins in several tabs each complete and land on their own rd', async () => {
    const { jar } = await signInOverHttp(h.baseUrl, { login: 'bob', password: 'bob' });
    const tabA = await callbackUrlFor(jar, h.baseUrl, '/tab-a');
    const tabB = await callbackUrlFor(jar, h.baseUrl, '/tab-b');
    const tabC = await callbackUrlFor(jar, h.baseUrl, '/tab-c');
    for (const [url, rd] of [[tabB, '/tab-b'], [tabA, '/tab-a'], [tabC, '/tab-c']] as const) {
      const res = await getWithJar(jar, url);
      assert.equal(res.status, 302);
      assert.equal(res.headers.location, rd);
    }
  });

  it('a replayed or unknown state gets a 403 page, and no session', async () => {
    const { jar } = await signInOverHttp(h.baseUrl, { login: 'bob', password: 'bob' });
    const callback = await callbackUrlFor(jar, h.baseUrl, '/once');
    const cookieBefore = jar.header(callback);
    assert.equal((await getWithJar(jar, callback)).status, 302);
    const replay = await h.request(callback.pathname + callback.search, { headers: { cookie: cookieBefore, accept: 'text/html' } });
    assert.equal(replay.status, 403);
    assert.match(replay.body, /unknown, expired or was already used/);
    assert.ok(!replay.setCookies.some((c) => /^gatehouse=[^;]/.test(c)), 'no session cookie');
    const unknown = await h.request('/oauth2/callback?code=x&state=nope', { headers: { accept: 'text/html' } });
    assert.equal(unknown.status, 403);
    assert.equal((await h.request('/oauth2/callback')).status, 403);
  });

  it('a state from another browser is refused (login CSRF)', async () => {
    const { jar } = await signInOverHttp(h.baseUrl, { login: 'bob', password: 'bob' });
    const callback = await callbackUrlFor(jar, h.baseUrl, '/');
    const res = await h.request(callback.pathname + callback.search);
    assert.equal(res.status, 403);
  });

  it('an IdP error= gives a 403 page with every value escaped, never a stack trace', async () => {
    const res = await h.request(
      `/oauth2/callback?error=access_denied%3Cscript%3E&error_description=${encodeURIComponent('<img src=x onerror=alert(1)>')}&state=s`,
      { headers: { accept: 'text/html' } },
    );
    assert.equal(res.status, 403);
    assert.match(res.headers['content-type'] ?? '', /text\/html/);
    assert.ok(!res.body.includes('<script>') && !res.body.includes('<img'));
    assert.match(res.body, /access_denied&lt;script&gt;/);
    assert.ok(!/at .*\.ts:\d+/.test(res.body));
  });

  it('sign-in starts a new session: a fresh id, and the previous one ends', async () => {
    const first = await signInOverHttp(h.baseUrl, { login: 'alice', password: 'alice' });
    const second = await signInOverHttp(h.baseUrl, { login: 'alice', password: 'alice', jar: first.jar });
    assert.notEqual(first.cookieHeader, second.cookieHeader);
    assert.equal((await h.request('/oauth2/auth', { headers: { cookie: second.cookieHeader } })).status, 200);
    const old = /gatehouse=[^;]+/.exec(first.cookieHeader)?.[0] ?? '';
    assert.equal((await h.request('/oauth2/auth', { headers: { cookie: old } })).status, 401);
  });

  it('a failed code exchange (provider down) gives a 502 page and counts a failed login', async () => {
    const { jar } = await signInOverHttp(h.baseUrl, { login: 'bob', password: 'bob' });
    const callback = await callbackUrlFor(jar, h.baseUrl, '/');
    h.idp.setDown(true);
    try {
      const res = await getWithJar(jar, callback, { accept: 'text/html' });
      assert.equal(res.status, 502, res.body);
      assert.match(res.body, /identity provider/i);
    } finally {
      h.idp.setDown(false);
    }
    const metrics = await (await fetch(`${h.metricsUrl}/metrics`)).text();
    assert.match(metrics, /gatehouse_logins_total\{stage="failed",reason="exchange-failed"\} 1/);
  });
});

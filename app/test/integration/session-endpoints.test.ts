/** /oauth2/sign_out, /oauth2/signed_out, /oauth2/userinfo, the probes and the metrics port. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../support/harness.ts';

describe('session endpoints', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  it('userinfo: the identity as JSON, or 401', async () => {
    const cookie = await h.signIn('alice');
    const res = await h.request('/oauth2/userinfo', { headers: { cookie } });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), {
      user: 'alice',
      email: 'alice@example.com',
      groups: ['admins', 'devs'],
      roles: [],
      preferred_username: 'alice',
      name: 'Alice Admin',
    });
    const anon = await h.request('/oauth2/userinfo', { headers: { accept: 'application/json' } });
    assert.equal(anon.status, 401);
    assert.equal(JSON.parse(anon.body).error, 'session_missing');
  });

  it('sign_out ends the session on the server, clears the cookie and goes through RP-initiated logout', async () => {
    const cookie = await h.signIn('alice');
    const res = await h.request('/oauth2/sign_out?rd=%2Fbye%3Fx%3D1', { headers: { cookie } });
    assert.equal(res.status, 302);
    assert.ok(res.setCookies.some((c) => /^gatehouse=; .*Max-Age=0/.test(c)), res.setCookies.join('\n'));
    const endSession = new URL(res.headers.location ?? '');
    assert.equal(endSession.origin, h.idp.issuer);
    assert.match(endSession.searchParams.get('id_token_hint') ?? '', /^eyJ/);
    assert.equal(endSession.searchParams.get('post_logout_redirect_uri'), `${h.baseUrl}/oauth2/signed_out`);
    // The session is gone on the server: the old cookie no longer passes, even if a browser kept it.
    assert.equal((await h.request('/oauth2/auth', { headers: { cookie } })).status, 401);
    const back = await h.request(`/oauth2/signed_out?state=${encodeURIComponent(endSession.searchParams.get('state') ?? '')}`);
    assert.equal(back.status, 302);
    assert.equal(back.headers.location, '/bye?x=1');
  });

  it('sign_out without a session, or with a hostile rd, lands safely', async () => {
    const res = await h.request('/oauth2/sign_out?rd=https%3A%2F%2Fevil.example%2F');
    assert.equal(res.status, 302);
    assert.equal(res.headers.location, '/');
    const ok = await h.request('/oauth2/sign_out?rd=http%3A%2F%2Fapp.localtest%2Fx');
    assert.equal(ok.headers.location, 'http://app.localtest/x');
    // No usable state carries no rd: the signed-out page, never a redirect chosen by the link.
    for (const state of ['', 'garbage', 'A'.repeat(100)]) {
      const back = await h.request(`/oauth2/signed_out?state=${state}`);
      assert.equal(back.status, 200);
      assert.equal(back.headers.location, undefined);
      assert.ok(back.setCookies.some((c) => /^gatehouse=; .*Max-Age=0/.test(c)));
    }
  });

  it('healthz and readyz answer on the main port; metrics only on the metrics port', async () => {
    assert.equal((await h.request('/healthz')).status, 200);
    const ready = await h.request('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(JSON.parse(ready.body).checks, { shuttingDown: false, idpDiscovery: true, sessionStore: true });
    assert.equal((await h.request('/metrics')).status, 404);
    const metrics = await (await fetch(`${h.metricsUrl}/metrics`)).text();
    for (const name of [
      'gatehouse_http_requests_total',
      'gatehouse_http_request_duration_seconds_bucket',
      'gatehouse_auth_decisions_total',
      'gatehouse_logins_total',
      'gatehouse_idp_request_duration_seconds_bucket',
      'gatehouse_active_sessions',
      'gatehouse_process_cpu_seconds_total',
    ]) {
      assert.match(metrics, new RegExp(`^${name}`, 'm'), name);
    }
    assert.equal((await fetch(`${h.metricsUrl}/oauth2/auth`)).status, 404);
  });

  it('upstream tokens are sent only when configured (C15)', async () => {
    const withTokens = await startHarness({ GATEHOUSE_SET_AUTHORIZATION_HEADER: 'id_token', GATEHOUSE_SET_ACCESS_TOKEN_HEADER: 'true' });
    try {
      const cookie = await withTokens.signIn('alice');
      const res = await withTokens.request('/oauth2/auth', { headers: { cookie } });
      assert.equal(res.status, 200);
      assert.match(res.headers.authorization ?? '', /^Bearer eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
      assert.ok((res.headers['x-auth-request-access-token'] ?? '').length > 10);
    } finally {
      await withTokens.stop();
    }
    const withAccess = await startHarness({ GATEHOUSE_SET_AUTHORIZATION_HEADER: 'access_token' });
    try {
      const cookie = await withAccess.signIn('alice');
      const res = await withAccess.request('/oauth2/auth', { headers: { cookie } });
      assert.match(res.headers.authorization ?? '', /^Bearer \S+$/);
      assert.equal(res.headers['x-auth-request-access-token'], undefined);
    } finally {
      await withAccess.stop();
    }
  });

  it('unknown paths get a 404 without a stack trace', async () => {
    const res = await h.request('/nope', { headers: { accept: 'application/json' } });
    assert.equal(res.status, 404);
    assert.equal(JSON.parse(res.body).error, 'not_found');
  });
});

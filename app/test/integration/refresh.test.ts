/**
 * Server-side refresh: shortly before the access token expires it is refreshed once however many
 * checks arrive at once, the cookie never changes, and a refresh refused for good ends the session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../support/harness.ts';

describe('token refresh', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ GATEHOUSE_SET_AUTHORIZATION_HEADER: 'access_token' });
  });
  after(() => h.stop());

  const check = (cookie: string) => h.request('/oauth2/auth', { headers: { cookie } });

  it('refreshes once for 40 concurrent checks, with no Set-Cookie and a new access token', async () => {
    const cookie = await h.signIn('alice');
    const before = await check(cookie);
    const oldToken = before.headers.authorization;
    const grants = h.idp.counters.refreshGrants;
    // The test provider issues 300 s access tokens; refresh starts 60 s before expiry.
    h.advance(250_000);
    const answers = await Promise.all(Array.from({ length: 40 }, () => check(cookie)));
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [200]);
    assert.equal(h.idp.counters.refreshGrants - grants, 1, 'exactly one refresh reached the provider');
    assert.ok(answers.every((a) => a.setCookies.length === 0), 'no refresh needs a Set-Cookie');
    const after = await check(cookie);
    assert.notEqual(after.headers.authorization, oldToken, 'the refreshed token is used');
    assert.equal(h.idp.counters.refreshGrants - grants, 1, 'fresh tokens are reused, not refreshed again');
    const metrics = await (await fetch(`${h.metricsUrl}/metrics`)).text();
    assert.match(metrics, /gatehouse_token_refreshes_total\{outcome="success"\} 1/);
  });

  it('tokens shorter-lived than the refresh window are refreshed at most once per grace period', async () => {
    const short = await startHarness({ GATEHOUSE_REFRESH_BEFORE_EXPIRY: '1h' });
    try {
      const cookie = await short.signIn('alice');
      const grants = short.idp.counters.refreshGrants;
      for (let i = 0; i < 5; i++) assert.equal((await short.request('/oauth2/auth', { headers: { cookie } })).status, 200);
      assert.equal(short.idp.counters.refreshGrants - grants, 1, 'one refresh, then the grace period');
      short.advance(11_000);
      await short.request('/oauth2/auth', { headers: { cookie } });
      assert.equal(short.idp.counters.refreshGrants - grants, 2, 'after the grace period, the next one');
    } finally {
      await short.stop();
    }
  });

  it('a refresh token the provider refuses (invalid_grant) ends the session: 401', async () => {
    const cookie = await h.signIn('bob');
    const resolved = await h.server.deps.sessions.resolve(cookie);
    assert.equal(resolved.state, 'active');
    if (resolved.state !== 'active') return;
    const { record, id } = resolved;
    await h.server.deps.store.set(id, { ...record, tokens: { ...record.tokens, refreshToken: 'revoked-or-unknown' } }, 3_600_000);
    h.advance(250_000);
    assert.equal((await check(cookie)).status, 401);
    assert.equal((await check(cookie)).status, 401, 'and stays ended');
  });

  it('while the provider is down the session goes on with its current tokens', async () => {
    const cookie = await h.signIn('carol');
    h.advance(250_000);
    h.idp.setDown(true);
    try {
      assert.equal((await check(cookie)).status, 200);
    } finally {
      h.idp.setDown(false);
    }
    const metrics = await (await fetch(`${h.metricsUrl}/metrics`)).text();
    assert.match(metrics, /gatehouse_token_refreshes_total\{outcome="error"\} 1/);
  });
});

/**
 * OIDC Back-Channel Logout 1.0: a logout token from the provider ends the sessions it names; every
 * check the specification requires is enforced, each failure answering 400 and ending nothing.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { signInOverHttp } from '../../../e2e/support/http-login.ts';
import { httpRequest } from '../../../e2e/support/http-client.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { logoutAtProvider } from '../support/login-steps.ts';
import { startRogueHarness, type RogueHarness } from '../support/rogue-harness.ts';
import type { RogueIdp } from '../support/rogue-idp.ts';

const EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };

describe('back-channel logout from the real provider', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.stop());

  it('signing out at the provider ends the gatehouse session through the back channel', async () => {
    const signedIn = await signInOverHttp(h.baseUrl, { login: 'alice', password: 'alice' });
    const other = await h.signIn('bob');
    assert.equal((await h.request('/oauth2/auth', { headers: { cookie: signedIn.cookieHeader } })).status, 200);
    // Log out at the provider itself: no gatehouse involved.
    await logoutAtProvider(signedIn.jar, h.idp.issuer);
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      await sleep(50);
      status = (await h.request('/oauth2/auth', { headers: { cookie: signedIn.cookieHeader } })).status;
    }
    assert.equal(status, 401);
    assert.equal((await h.request('/oauth2/auth', { headers: { cookie: other } })).status, 200, 'other users keep their sessions');
    const metrics = await (await fetch(`${h.metricsUrl}/metrics`)).text();
    assert.match(metrics, /gatehouse_sessions_revoked_total\{reason="backchannel_logout"\} 1/);
  });

  it('sign out everywhere ends every session of the user, and only theirs', async () => {
    const first = await h.signIn('alice');
    const second = await h.signIn('alice');
    const bob = await h.signIn('bob');
    const out = await h.request('/oauth2/sign_out?everywhere=true&rd=%2F', { headers: { cookie: first } });
    assert.equal(out.status, 302);
    for (const cookie of [first, second]) assert.equal((await h.request('/oauth2/auth', { headers: { cookie } })).status, 401);
    assert.equal((await h.request('/oauth2/auth', { headers: { cookie: bob } })).status, 200);
  });
});

describe('logout token validation', () => {
  let rogue: RogueHarness;
  let idp: RogueIdp;
  let base: string;
  before(async () => {
    rogue = await startRogueHarness();
    ({ idp, base } = rogue);
  });
  after(() => rogue.stop());

  /** Signs in through the rogue provider with an ID token carrying `sid`. */
  async function signIn(sid: string, sub = 'rogue'): Promise<string> {
    const start = await httpRequest(`${base}/oauth2/start?rd=%2F`);
    const authorize = new URL(start.headers.location ?? '');
    idp.setNonce(authorize.searchParams.get('nonce') ?? '');
    idp.setRecipe(() => ({ claims: { sid, sub } }));
    const cookie = (start.setCookies[0] ?? '').split(';')[0] ?? '';
    const res = await httpRequest(`${base}/oauth2/callback?code=c&state=${authorize.searchParams.get('state')}`, { headers: { cookie } });
    return (res.setCookies.find((c) => c.startsWith('gatehouse=')) ?? '').split(';')[0] ?? '';
  }
  const post = (body: string, type = 'application/x-www-form-urlencoded') =>
    httpRequest(`${base}/oauth2/backchannel_logout`, { method: 'POST', headers: { 'content-type': type }, body });
  const token = (claims: Record<string, unknown>, options?: { foreignKey?: boolean; typ?: string }) => {
    const now = Math.floor(Date.now() / 1000);
    return idp.sign({ iss: idp.issuer, aud: 'gatehouse', iat: now, exp: now + 120, jti: randomUUID(), events: EVENT, ...claims }, options);
  };
  const check = (cookie: string) => httpRequest(`${base}/oauth2/auth`, { headers: { cookie } });

  it('refuses every malformed logout token with 400 and ends nothing', async () => {
    const cookie = await signIn('sid-keep');
    const now = Math.floor(Date.now() / 1000);
    const bad: Array<[string, Promise<string> | string]> = [
      ['foreign signature', token({ sid: 'sid-keep' }, { foreignKey: true })],
      ['wrong audience', token({ sid: 'sid-keep', aud: 'someone-else' })],
      ['wrong issuer', token({ sid: 'sid-keep', iss: 'http://evil.example' })],
      ['no events', token({ sid: 'sid-keep', events: undefined })],
      ['wrong event', token({ sid: 'sid-keep', events: { 'urn:other': {} } })],
      ['event not an object', token({ sid: 'sid-keep', events: { 'http://schemas.openid.net/event/backchannel-logout': 'yes' } })],
      ['a nonce', token({ sid: 'sid-keep', nonce: 'n' })],
      ['neither sid nor sub', token({})],
      ['no jti', token({ sid: 'sid-keep', jti: undefined })],
      ['no iat', token({ sid: 'sid-keep', iat: undefined })],
      ['expired', token({ sid: 'sid-keep', iat: now - 7200, exp: now - 3600 })],
      ['wrong typ', token({ sid: 'sid-keep' }, { typ: 'JWT-other' })],
      ['not a JWT', 'garbage'],
    ];
    for (const [name, pending] of bad) {
      const res = await post(`logout_token=${encodeURIComponent(await pending)}`);
      assert.equal(res.status, 400, name);
      assert.equal(JSON.parse(res.body).error, 'invalid_request', name);
    }
    assert.equal((await post('nothing=here')).status, 400);
    assert.equal((await post('{"logout_token":1}', 'application/json')).status, 400);
    assert.equal((await post(`logout_token=${'x'.repeat(40_000)}`)).status, 400, 'oversized body');
    assert.equal((await check(cookie)).status, 200, 'the session survived every bad token');
  });

  it('a valid token by sid ends that session once; its jti cannot be replayed', async () => {
    const target = await signIn('sid-a', 'user-1');
    const bystander = await signIn('sid-b', 'user-1');
    const logout = await token({ sid: 'sid-a', sub: 'user-1' }, { typ: 'logout+jwt' });
    const res = await post(`logout_token=${encodeURIComponent(logout)}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal((await check(target)).status, 401);
    assert.equal((await check(bystander)).status, 200, 'sid wins over sub: the other provider session stays');
    const replay = await post(`logout_token=${encodeURIComponent(logout)}`);
    assert.equal(replay.status, 400);
    assert.match(JSON.parse(replay.body).error_description, /replayed/);
  });

  it('a valid token with only sub ends every session of that subject', async () => {
    const one = await signIn('sid-c', 'user-2');
    const two = await signIn('sid-d', 'user-2');
    const res = await post(`logout_token=${encodeURIComponent(await token({ sub: 'user-2' }))}`);
    assert.equal(res.status, 200);
    assert.equal((await check(one)).status, 401);
    assert.equal((await check(two)).status, 401);
  });
});

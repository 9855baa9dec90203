/**
 * The OpenID Provider rotates its signing key: a sign-in, a refresh and a back-channel logout
 * right after it, with tokens signed by a key gatehouse has not seen, all succeed. gatehouse had
 * fetched the key set moments before; openid-client's own key cache refused new keys for a minute
 * after a download, which failed every sign-in in that minute (found by the chaos run).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { signInOverHttp } from '../../../e2e/support/http-login.ts';
import { logoutAtProvider } from '../support/login-steps.ts';
import { startHarness, type Harness } from '../support/harness.ts';

describe('the provider rotates its signing key', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ GATEHOUSE_SET_AUTHORIZATION_HEADER: 'access_token' });
  });
  after(() => h.stop());

  const check = async (cookie: string) => (await h.request('/oauth2/auth', { headers: { cookie } })).status;
  const refreshes = async (outcome: string): Promise<number> => {
    const text = await (await fetch(`${h.metricsUrl}/metrics`)).text();
    return Number(new RegExp(`gatehouse_token_refreshes_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  };

  it('a sign-in moments after the rotation is accepted', async () => {
    const before = await h.signIn('alice');
    assert.equal(await check(before), 200);
    h.idp.rotateSigningKey();
    const afterRotation = await h.signIn('bob');
    assert.equal(await check(afterRotation), 200);
    assert.equal(await check(before), 200, 'sessions from before the rotation go on');
  });

  it('a refresh whose ID token carries the new key succeeds, and a logout token signed with it is accepted', async () => {
    const signedIn = await signInOverHttp(h.baseUrl, { login: 'carol', password: 'carol' });
    h.idp.rotateSigningKey();
    const errors = await refreshes('error');
    const successes = await refreshes('success');
    h.advance(250_000);
    assert.equal(await check(signedIn.cookieHeader), 200);
    assert.equal(await refreshes('success'), successes + 1);
    assert.equal(await refreshes('error'), errors);
    h.idp.rotateSigningKey();
    await logoutAtProvider(signedIn.jar, h.idp.issuer);
    let status = 200;
    for (let i = 0; i < 100 && status === 200; i++) {
      status = await check(signedIn.cookieHeader);
      if (status === 200) await sleep(20);
    }
    assert.equal(status, 401, 'the back-channel logout signed with the newest key ended the session');
  });
});

/**
 * The ID token from the code exchange is validated: signature against the provider's JWKS,
 * issuer, audience, expiry and nonce. Each bad token gets a 403 page and no session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { httpRequest } from '../../../e2e/support/http-client.ts';
import { startRogueHarness, type RogueHarness } from '../support/rogue-harness.ts';
import type { RogueIdp, TokenRecipe } from '../support/rogue-idp.ts';

describe('ID token validation', () => {
  let rogue: RogueHarness;
  let idp: RogueIdp;
  let base: string;
  before(async () => {
    rogue = await startRogueHarness();
    ({ idp, base } = rogue);
  });
  after(() => rogue.stop());

  async function signInWith(recipe: TokenRecipe) {
    const start = await httpRequest(`${base}/oauth2/start?rd=%2Fok`);
    const authorize = new URL(start.headers.location ?? '');
    idp.setNonce(authorize.searchParams.get('nonce') ?? '');
    idp.setRecipe(recipe);
    const cookie = (start.setCookies[0] ?? '').split(';')[0] ?? '';
    const state = authorize.searchParams.get('state') ?? '';
    return httpRequest(`${base}/oauth2/callback?code=c0de&state=${state}`, { headers: { cookie, accept: 'text/html' } });
  }

  it('accepts a well-formed token (the control case)', async () => {
    const res = await signInWith(() => ({ claims: {} }));
    assert.equal(res.status, 302, res.body);
    assert.equal(res.headers.location, '/ok');
  });

  const bad: Array<[string, TokenRecipe]> = [
    ['a signature from a key not in the JWKS', () => ({ claims: {}, signWithForeignKey: true })],
    ['another issuer', () => ({ claims: { iss: 'http://evil.example' } })],
    ['another audience', () => ({ claims: { aud: 'someone-else' } })],
    ['an expired token', () => ({ claims: { exp: Math.floor(Date.now() / 1000) - 3600, iat: Math.floor(Date.now() / 1000) - 7200 } })],
    ['a wrong nonce', () => ({ claims: { nonce: 'not-the-nonce' } })],
    ['no nonce', () => ({ claims: { nonce: undefined } })],
  ];
  for (const [name, recipe] of bad) {
    it(`refuses ${name} with a 403 page and no session`, async () => {
      const res = await signInWith(recipe);
      assert.equal(res.status, 403, `${name}: ${res.body.slice(0, 300)}`);
      assert.ok(!res.setCookies.some((c) => /^gatehouse=[^;]/.test(c)));
    });
  }
});

/**
 * The ID token from the code exchange is validated: signature against the provider's JWKS,
 * issuer, audience, expiry and nonce. Each bad token gets a 403 page and no session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/load-config.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { httpRequest } from '../../../e2e/support/http-client.ts';
import { localGatehouseEnv } from '../../../e2e/support/gatehouse-env.ts';
import { freePorts } from '../../../e2e/support/ports.ts';
import { startRogueIdp, type RogueIdp, type TokenRecipe } from '../support/rogue-idp.ts';

describe('ID token validation', () => {
  let idp: RogueIdp;
  let server: RunningServer;
  let base: string;
  before(async () => {
    idp = await startRogueIdp('gatehouse');
    const [port, metricsPort] = await freePorts(2);
    base = `http://127.0.0.1:${port}`;
    server = await startServer(
      loadConfig(
        localGatehouseEnv({ issuer: idp.issuer, clientSecret: 'secret', origin: base, port, metricsPort }, { GATEHOUSE_LOG_LEVEL: 'silent' }),
      ),
    );
    for (let i = 0; i < 100 && !server.deps.idp.isReady(); i++) await sleep(20);
  });
  after(async () => {
    await server.stop();
    await idp.close();
  });

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

/**
 * elastauth's oidc provider, hardened: Bearer tokens from a real OpenID Provider checked against
 * its JWKS (signature, issuer, audience, expiry, algorithm), mapped by the claims mapping, with
 * 401 for every bad token and no browser sign-in.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../support/harness.ts';
import { startSourceServer, type SourceServer } from '../support/source-server.ts';

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

describe('Bearer tokens (GATEHOUSE_AUTH_PROVIDER=oidc)', () => {
  let login: Harness;
  let gatehouse: SourceServer;
  let idToken: string;
  before(async () => {
    login = await startHarness();
    const cookie = await login.signIn('alice');
    const resolved = await login.server.deps.sessions.resolve(cookie);
    assert.equal(resolved.state, 'active');
    idToken = resolved.state === 'active' ? resolved.record.tokens.idToken : '';
    gatehouse = await startSourceServer(
      {
        GATEHOUSE_AUTH_PROVIDER: 'oidc',
        GATEHOUSE_OIDC_ISSUER_URL: login.idp.issuer,
        GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
        GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP: 'true',
      },
      'group_mappings: { admins: [kibana_admin] }\n',
    );
    for (let i = 0; i < 100 && !gatehouse.server.deps.idp.isReady(); i++) await sleep(50);
  });
  after(async () => {
    await gatehouse?.stop();
    await login.stop();
  });

  it('a valid token from the provider is an identity with mapped roles', async () => {
    const res = await gatehouse.check('?allowed_roles=kibana_admin', { authorization: `Bearer ${idToken}` });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-auth-request-user'], 'alice');
    assert.equal(res.headers['x-auth-request-roles'], 'kibana_admin');
    assert.equal(res.headers['x-auth-request-groups'], 'admins,devs');
  });

  it('no, malformed, tampered, unsigned or foreign-audience tokens answer 401', async () => {
    const [header, payload, signature] = idToken.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${header}.${b64url({ ...claims, sub: 'admin' })}.${signature}`;
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...claims, sub: 'admin' })}.`;
    const foreign = `${header}.${b64url({ ...claims, aud: 'someone-else' })}.${signature}`;
    for (const authorization of [undefined, 'Bearer', 'Basic YTpi', 'Bearer garbage', `Bearer ${tampered}`, `Bearer ${unsigned}`, `Bearer ${foreign}`]) {
      const res = await gatehouse.check('', authorization === undefined ? {} : { authorization });
      assert.equal(res.status, 401, String(authorization).slice(0, 30));
      assert.equal(res.headers['x-auth-request-user'], undefined);
    }
  });

  it('a session cookie means nothing to the oidc provider, and sign-in is not served', async () => {
    const cookie = await login.signIn('bob');
    assert.equal((await gatehouse.check('', { cookie })).status, 401);
    assert.equal((await gatehouse.request('/oauth2/start?rd=/')).status, 404);
  });
});

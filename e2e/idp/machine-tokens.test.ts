// The test IdP's machine side with real clients: the client credentials grant with a resource
// indicator gives a JWT access token (RFC 9068) for a JWT resource server and an opaque one for an
// opaque server, and the introspection endpoint (RFC 7662) answers for them to a client
// authenticating by client_secret_basic, client_secret_post or private_key_jwt.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { decodeJwt, decodeProtectedHeader, importJWK, SignJWT } from 'jose';
import { httpRequest } from '../support/http-client.ts';
import { clientCredentialsToken } from './client-credentials.ts';
import { startTestIdp, type TestIdp } from './test-idp.ts';

const API = 'https://api.example.test';
const OPAQUE_API = 'https://opaque.example.test';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
let idp: TestIdp;

before(async () => {
  idp = await startTestIdp({
    clients: [
      { clientId: 'ci-job', clientSecret: 'ci-secret', redirectUris: [], grantTypes: ['client_credentials'] },
      { clientId: 'introspector', clientSecret: 'basic-secret', redirectUris: [], grantTypes: ['client_credentials'] },
      { clientId: 'introspector-post', clientSecret: 'post-secret', redirectUris: [], grantTypes: ['client_credentials'], tokenEndpointAuthMethod: 'client_secret_post' },
      {
        clientId: 'introspector-jwt',
        clientSecret: 'unused',
        redirectUris: [],
        grantTypes: ['client_credentials'],
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' }] },
      },
    ],
    resourceServers: [
      { indicator: API, scope: 'api:read api:write', format: 'jwt' },
      { indicator: OPAQUE_API, scope: 'api:read', format: 'opaque' },
    ],
  });
});
after(() => idp.close());

async function introspect(token: string, auth: 'basic' | 'post' | 'jwt'): Promise<Record<string, unknown>> {
  const form = new URLSearchParams({ token });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (auth === 'basic') headers.authorization = `Basic ${Buffer.from('introspector:basic-secret').toString('base64')}`;
  if (auth === 'post') form.set('client_id', 'introspector-post'), form.set('client_secret', 'post-secret');
  if (auth === 'jwt') {
    const key = await importJWK({ ...privateKey.export({ format: 'jwk' }) }, 'ES256');
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('introspector-jwt')
      .setSubject('introspector-jwt')
      .setAudience(idp.issuer)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(key);
    form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    form.set('client_assertion', assertion);
  }
  const res = await httpRequest(`${idp.issuer}/token/introspection`, { method: 'POST', headers, body: form.toString() });
  assert.equal(res.status, 200, res.body);
  return JSON.parse(res.body) as Record<string, unknown>;
}

test('client credentials with a JWT resource server: an RFC 9068 access token for that audience', async () => {
  const token = await clientCredentialsToken(idp.issuer, { clientId: 'ci-job', clientSecret: 'ci-secret', resource: API, scope: 'api:read' });
  assert.equal(decodeProtectedHeader(token).typ, 'at+jwt');
  const claims = decodeJwt(token);
  assert.equal(claims.iss, idp.issuer);
  assert.equal(claims.aud, API);
  assert.equal(claims.client_id, 'ci-job');
  assert.equal(claims.sub, 'ci-job');
  assert.equal(claims.scope, 'api:read');
});

test('client credentials with an opaque resource server: a token only introspection vouches for', async () => {
  const token = await clientCredentialsToken(idp.issuer, { clientId: 'ci-job', clientSecret: 'ci-secret', resource: OPAQUE_API, scope: 'api:read' });
  assert.equal(token.split('.').length, 1);
  for (const auth of ['basic', 'post', 'jwt'] as const) {
    const answer = await introspect(token, auth);
    assert.equal(answer.active, true, auth);
    assert.equal(answer.client_id, 'ci-job');
    assert.equal(answer.aud, OPAQUE_API);
    assert.equal(answer.iss, idp.issuer);
    assert.equal(answer.token_type, 'Bearer');
    assert.equal(answer.scope, 'api:read');
  }
  assert.deepEqual(await introspect('not-a-token', 'basic'), { active: false });
});

test('an unknown resource indicator gets no token', async () => {
  await assert.rejects(clientCredentialsToken(idp.issuer, { clientId: 'ci-job', clientSecret: 'ci-secret', resource: 'https://elsewhere.example.test' }), /invalid_target/);
});

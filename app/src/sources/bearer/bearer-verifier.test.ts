import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { base64url, exportSPKI, SignJWT, UnsecuredJWT } from 'jose';
import { bearerFailureStatus, type BearerMode } from './bearer-types.ts';
import { checkBearerOptions, createBearerVerifier } from './create-bearer-verifier.ts';
import { deadUrl, makeKey, nowSec, reasonOf, sign, startTestIdp, type TestIdp, type TestKey } from '../../../test/support/jwks-test-idp.ts';

const CLIENT = 'gatehouse';
let idp: TestIdp;
let rsa: TestKey;
let ec: TestKey;
let unpublished: TestKey;

before(async () => {
  rsa = await makeKey('rsa-1');
  ec = await makeKey('ec-1', 'ES256');
  unpublished = await makeKey('rsa-unpublished');
  idp = await startTestIdp([rsa, ec]);
});
after(() => idp.close());

const claims = (extra: Record<string, unknown> = {}) => ({ iss: idp.issuer, aud: CLIENT, sub: 'alice', exp: nowSec() + 600, ...extra });
const verifier = (mode: BearerMode, extra: Record<string, unknown> = {}) =>
  createBearerVerifier({ issuer: idp.issuer, audience: CLIENT, jwksUri: idp.jwksUri, userinfoUrl: idp.userinfoUrl, mode, fetchTimeoutMs: 5000, ...extra });

test('a valid RS256 or ES256 token is accepted, with its claims', async () => {
  const v = verifier('jwks');
  const result = await v.verify(`Bearer ${await sign(rsa, claims({ email: 'alice@example.com' }))}`);
  assert.ok(result.ok);
  assert.equal(result.via, 'jwks');
  assert.equal(result.claims.email, 'alice@example.com');
  assert.equal(reasonOf(await v.verify(`bearer ${await sign(ec, claims())}`)), 'ok');
  assert.equal(reasonOf(await v.verify(`Bearer ${await sign(rsa, claims({ aud: ['other', CLIENT] }))}`)), 'ok');
});

test('tokens failing a claim check get the matching reason', async () => {
  const v = verifier('jwks');
  const expectations: Array<[Record<string, unknown>, string]> = [
    [{ exp: nowSec() - 3600 }, 'bearer_expired'],
    [{ iss: 'https://evil.example.com' }, 'bearer_wrong_issuer'],
    [{ aud: 'another-client' }, 'bearer_wrong_audience'],
    [{ aud: ['a', 'b'] }, 'bearer_wrong_audience'],
    [{ nbf: nowSec() + 3600 }, 'bearer_not_yet_valid'],
    [{ exp: undefined }, 'bearer_claims_invalid'],
  ];
  for (const [extra, expected] of expectations) {
    assert.equal(reasonOf(await v.verify(`Bearer ${await sign(rsa, claims(extra))}`)), expected, JSON.stringify(extra));
  }
});

test('alg none is refused before any key is looked at or fetched', async () => {
  const v = verifier('jwks');
  // The key set is fetched once at start-up; let that fetch land before counting.
  assert.equal(reasonOf(await v.verify(`Bearer ${await sign(rsa, claims())}`)), 'ok');
  const before = idp.calls.jwks;
  const token = new UnsecuredJWT(claims()).encode();
  assert.equal(reasonOf(await v.verify(`Bearer ${token}`)), 'bearer_alg_refused');
  assert.equal(idp.calls.jwks, before);
});

test('HS256 keyed with the public key (algorithm confusion) is refused', async () => {
  const pem = await exportSPKI(rsa.publicKey);
  for (const secret of [new TextEncoder().encode(pem), base64url.decode(rsa.jwk.n ?? '')]) {
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: rsa.kid }).sign(secret);
    assert.equal(reasonOf(await verifier('jwks').verify(`Bearer ${token}`)), 'bearer_alg_refused');
  }
  assert.deepEqual(checkBearerOptions({ issuer: 'i', audience: 'a', jwksUri: idp.jwksUri, mode: 'jwks', fetchTimeoutMs: 1, allowedAlgorithms: ['HS256', 'none', 'RS256'] }), [
    'allowedAlgorithms: HS256, none not allowed; choose from RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, EdDSA',
  ]);
  assert.throws(() => verifier('jwks', { allowedAlgorithms: ['HS256'] }), /HS256 not allowed/);
});

test('an algorithm outside a narrowed allow-list is refused', async () => {
  const v = verifier('jwks', { allowedAlgorithms: ['RS256'] });
  assert.equal(reasonOf(await v.verify(`Bearer ${await sign(ec, claims())}`)), 'bearer_alg_refused');
});

test('bad signatures, unknown keys and garbage are refused', async () => {
  const v = verifier('jwks');
  const good = await sign(rsa, claims());
  const [h, p, s = ''] = good.split('.');
  const flipped = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
  const forged = await sign({ ...unpublished, kid: rsa.kid }, claims());
  const otherPayload = `${h}.${base64url.encode(JSON.stringify(claims({ sub: 'admin' })))}.${s}`;
  const cases: Array<[string | undefined, string]> = [
    [`Bearer ${flipped}`, 'bearer_bad_signature'],
    [`Bearer ${forged}`, 'bearer_bad_signature'],
    [`Bearer ${otherPayload}`, 'bearer_bad_signature'],
    [`Bearer ${await sign(unpublished, claims())}`, 'bearer_unknown_key'],
    ['Bearer abc.def.ghi', 'bearer_malformed'],
    ['Bearer not a token', 'bearer_malformed'],
    ['Bearer opaque-token', 'bearer_malformed'],
    [`Bearer ${'a'.repeat(20_000)}`, 'bearer_malformed'],
    [undefined, 'bearer_missing'],
    ['', 'bearer_missing'],
    ['Bearer ', 'bearer_missing'],
    ['Basic YWxpY2U6cHc=', 'bearer_missing'],
  ];
  for (const [header, expected] of cases) assert.equal(reasonOf(await v.verify(header)), expected, String(header).slice(0, 40));
});

test('the key set is cached, not fetched per request, even for unknown kids', async () => {
  const v = verifier('jwks');
  const before = idp.calls.jwks;
  const unknown = await sign(unpublished, claims());
  for (let i = 0; i < 5; i++) assert.equal(reasonOf(await v.verify(`Bearer ${unknown}`)), 'bearer_unknown_key');
  for (let i = 0; i < 5; i++) assert.equal(reasonOf(await v.verify(`Bearer ${await sign(rsa, claims())}`)), 'ok');
  // One fetch at start-up; the cooldown allows one more for an unknown kid at most every 30 s.
  assert.ok(idp.calls.jwks - before <= 2, `${idp.calls.jwks - before} fetches`);
});

test('an unreachable or failing JWKS endpoint is idp_unavailable, distinct from a bad token', async () => {
  const token = `Bearer ${await sign(rsa, claims())}`;
  const down = createBearerVerifier({ issuer: idp.issuer, audience: CLIENT, jwksUri: await deadUrl('/jwks'), mode: 'jwks', fetchTimeoutMs: 5000 });
  const result = await down.verify(token);
  assert.equal(reasonOf(result), 'idp_unavailable');
  assert.ok(!result.ok && bearerFailureStatus(result.reason) === 503);
  idp.jwks = 500;
  try {
    assert.equal(reasonOf(await verifier('jwks').verify(token)), 'idp_unavailable');
  } finally {
    idp.jwks = { keys: [rsa.jwk, ec.jwk] };
  }
  assert.equal(bearerFailureStatus('bearer_bad_signature'), 401);
});

test('options are checked all at once', () => {
  assert.deepEqual(checkBearerOptions({ issuer: '', audience: '', jwksUri: 'nope', mode: 'userinfo', fetchTimeoutMs: 0, clockToleranceSec: -1 }), [
    'issuer: is empty',
    'audience: is empty (give the client id)',
    'jwksUri: expected an http(s) URL',
    'userinfoUrl: the userinfo mode needs the userinfo endpoint',
    'clockToleranceSec: expected a whole number from 0 to 300',
    'fetchTimeoutMs: expected a positive whole number',
  ]);
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type BearerMode, type BearerResult } from './bearer-types.ts';
import { createBearerVerifier } from './create-bearer-verifier.ts';
import { deadUrl, makeKey, nowSec, reasonOf, sign, startTestIdp, type TestIdp, type TestKey } from '../../../test/support/jwks-test-idp.ts';

const CLIENT = 'gatehouse';
let idp: TestIdp;
let rsa: TestKey;

before(async () => {
  rsa = await makeKey('rsa-1');
  idp = await startTestIdp([rsa]);
});
after(() => idp.close());

const claims = (extra: Record<string, unknown> = {}) => ({ iss: idp.issuer, aud: CLIENT, sub: 'alice', exp: nowSec() + 600, ...extra });
const verifier = (mode: BearerMode, userinfoUrl = idp.userinfoUrl) =>
  createBearerVerifier({ issuer: idp.issuer, audience: CLIENT, jwksUri: idp.jwksUri, userinfoUrl, mode, fetchTimeoutMs: 5000 });

/** Runs `work` and returns how many userinfo calls it made. */
async function userinfoCalls(work: () => Promise<unknown>): Promise<number> {
  const before = idp.calls.userinfo;
  await work();
  return idp.calls.userinfo - before;
}

test('userinfo mode: a verified JWT that userinfo accepts gets fresh claims; token claims stay', async () => {
  const token = await sign(rsa, claims());
  idp.userinfo.set(token, { status: 200, body: { sub: 'alice', email: 'alice@example.com', iss: 'https://spoof', aud: 'x' } });
  const result = await verifier('userinfo').verify(`Bearer ${token}`);
  assert.ok(result.ok);
  assert.equal(result.via, 'userinfo');
  assert.equal(result.claims.email, 'alice@example.com');
  assert.equal(result.claims.iss, idp.issuer);
  assert.equal(result.claims.aud, CLIENT);
});

test('userinfo mode: a JWT for another client is refused without asking userinfo', async () => {
  const token = await sign(rsa, claims({ aud: 'another-client' }));
  idp.userinfo.set(token, { status: 200, body: { sub: 'alice' } });
  let result: BearerResult | undefined;
  assert.equal(await userinfoCalls(async () => (result = await verifier('userinfo').verify(`Bearer ${token}`))), 0);
  assert.equal(reasonOf(result as BearerResult), 'bearer_wrong_audience');
});

test('userinfo mode: a revoked token or another sub is refused', async () => {
  const revoked = await sign(rsa, claims({ jti: 'revoked' }));
  assert.equal(reasonOf(await verifier('userinfo').verify(`Bearer ${revoked}`)), 'bearer_userinfo_refused');
  const swapped = await sign(rsa, claims({ jti: 'swapped' }));
  idp.userinfo.set(swapped, { status: 200, body: { sub: 'mallory' } });
  assert.equal(reasonOf(await verifier('userinfo').verify(`Bearer ${swapped}`)), 'bearer_userinfo_refused');
});

test('opaque tokens are accepted only when userinfo names this client', async () => {
  idp.userinfo.set('opaque-aud', { status: 200, body: { sub: 'alice', aud: CLIENT } });
  idp.userinfo.set('opaque-aud-list', { status: 200, body: { sub: 'alice', aud: ['x', CLIENT] } });
  idp.userinfo.set('opaque-azp', { status: 200, body: { sub: 'alice', azp: CLIENT } });
  idp.userinfo.set('opaque-other', { status: 200, body: { sub: 'alice', aud: 'another-client', azp: 'another-client' } });
  idp.userinfo.set('opaque-silent', { status: 200, body: { sub: 'alice' } });
  for (const mode of ['userinfo', 'both'] as const) {
    const v = verifier(mode);
    assert.equal(reasonOf(await v.verify('Bearer opaque-aud')), 'ok', mode);
    assert.equal(reasonOf(await v.verify('Bearer opaque-aud-list')), 'ok', mode);
    assert.equal(reasonOf(await v.verify('Bearer opaque-azp')), 'ok', mode);
    assert.equal(reasonOf(await v.verify('Bearer opaque-other')), 'bearer_wrong_audience', mode);
    assert.equal(reasonOf(await v.verify('Bearer opaque-silent')), 'bearer_wrong_audience', mode);
    assert.equal(reasonOf(await v.verify('Bearer opaque-unknown')), 'bearer_userinfo_refused', mode);
  }
});

test('both mode: a JWT that fails verification never falls back to userinfo', async () => {
  const good = await sign(rsa, claims());
  const [h, p, s = ''] = good.split('.');
  const badSignature = `${h}.${p}.${s.startsWith('A') ? 'B' : 'A'}${s.slice(1)}`;
  const expired = await sign(rsa, claims({ exp: nowSec() - 3600 }));
  // userinfo would happily vouch for every one of them
  for (const token of [badSignature, expired, 'abc.def.ghi']) idp.userinfo.set(token, { status: 200, body: { sub: 'alice', aud: CLIENT } });
  const v = verifier('both');
  let results: string[] = [];
  const calls = await userinfoCalls(async () => {
    results = [reasonOf(await v.verify(`Bearer ${badSignature}`)), reasonOf(await v.verify(`Bearer ${expired}`)), reasonOf(await v.verify('Bearer abc.def.ghi'))];
  });
  assert.deepEqual(results, ['bearer_bad_signature', 'bearer_expired', 'bearer_malformed']);
  assert.equal(calls, 0);
  assert.equal(await userinfoCalls(async () => assert.equal(reasonOf(await v.verify(`Bearer ${good}`)), 'ok')), 0);
});

test('a failing or unreachable userinfo endpoint is idp_unavailable', async () => {
  idp.userinfo.set('opaque-500', { status: 500, body: {} });
  idp.userinfo.set('opaque-html', { status: 200, body: '<html>', contentType: 'text/html' });
  idp.userinfo.set('opaque-nosub', { status: 200, body: { aud: CLIENT } });
  idp.userinfo.set('opaque-badjson', { status: 200, body: '{"sub":' });
  idp.userinfo.set('opaque-redirect', { status: 302, body: {} });
  idp.userinfo.set('opaque-huge', { status: 200, body: { sub: 'alice', aud: CLIENT, pad: 'x'.repeat(70_000) } });
  const v = verifier('userinfo');
  for (const token of ['opaque-500', 'opaque-html', 'opaque-nosub', 'opaque-badjson', 'opaque-redirect', 'opaque-huge']) {
    assert.equal(reasonOf(await v.verify(`Bearer ${token}`)), 'idp_unavailable', token);
  }
  const down = verifier('userinfo', await deadUrl('/userinfo'));
  assert.equal(reasonOf(await down.verify('Bearer opaque-aud')), 'idp_unavailable');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasBearer, peekBearerToken } from './read-service-account-token.ts';

const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload: object, signature = 'c2ln'): string => `${part({ alg: 'RS256' })}.${part(payload)}.${signature}`;

test('the unverified iss and exp of a Bearer JWT', () => {
  const peeked = peekBearerToken(`Bearer ${jwt({ iss: 'https://kubernetes.default.svc.cluster.local', exp: 1700000000 })}`);
  assert.equal(peeked?.iss, 'https://kubernetes.default.svc.cluster.local');
  assert.equal(peeked?.expMs, 1_700_000_000_000);
  assert.equal(peeked?.signed, true);
  assert.equal(peekBearerToken(`bearer   ${jwt({ iss: 'x' })}`)?.iss, 'x', 'the scheme is case-insensitive (RFC 7235)');
});

test('an unsigned JWT is a token, marked unsigned; anything else has no iss', () => {
  assert.equal(peekBearerToken(`Bearer ${jwt({ iss: 'x' }, '')}`)?.signed, false);
  for (const header of ['Bearer opaque-token', `Bearer ${jwt({ iss: 42 })}`, `Bearer ${part({ alg: 'x' })}.bm90IGpzb24.c2ln`, `Bearer ${part({})}.${part([1])}.c2ln`]) {
    assert.equal(peekBearerToken(header)?.iss, undefined, header);
  }
});

test('no token: another scheme, none at all, bad characters, too long', () => {
  for (const header of [undefined, '', 'Basic dXNlcjpwdw==', 'Bearer', 'Bearer a b', 'Bearer a\u0000b', `Bearer ${'a'.repeat(20_000)}`]) {
    assert.equal(peekBearerToken(header), undefined, String(header).slice(0, 30));
  }
  assert.equal(hasBearer('Bearer'), true, 'an empty Bearer header is still a Bearer credential (present, then invalid)');
  assert.equal(hasBearer('Basic x'), false);
  assert.equal(hasBearer(undefined), false);
});

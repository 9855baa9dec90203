import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { bearerTokenOf, canonicalTokenText, hasBearerScheme, isJwsShaped, readBearerToken } from './read-bearer-token.ts';

// (header, token or failure reason)
const cases: Array<[string | undefined, string]> = [
  ['Bearer abc', 'abc'],
  ['bearer abc', 'abc'],
  ['BEARER   abc.def.ghi', 'abc.def.ghi'],
  ['Bearer a+b/c==', 'a+b/c=='],
  ['Bearer a=b', 'bearer_malformed'],
  ['Bearer a b', 'bearer_malformed'],
  ['Bearer a,b', 'bearer_malformed'],
  ['Bearerabc', 'bearer_missing'],
  ['Basic abc', 'bearer_missing'],
  ['   ', 'bearer_missing'],
  [undefined, 'bearer_missing'],
];

for (const [header, expected] of cases) {
  test(`reads ${JSON.stringify(header)}`, () => {
    const read = readBearerToken(header);
    assert.equal('token' in read ? read.token : read.reason, expected);
  });
}

test('JWS shape: three base64url segments, the signature may be empty (alg none) and is then refused later', () => {
  assert.equal(isJwsShaped('eyJh.eyJi.c2ln'), true);
  assert.equal(isJwsShaped('eyJh.eyJi.'), true);
  assert.equal(isJwsShaped('eyJh.eyJi'), false);
  assert.equal(isJwsShaped('a.b.c.d.e'), false);
  assert.equal(isJwsShaped('a..c'), false);
  assert.equal(isJwsShaped('a+b.c.d'), false);
});

test('reading never throws', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.string().map((s) => `Bearer ${s}`)), (header) => {
      const read = readBearerToken(header);
      if ('token' in read) isJwsShaped(read.token);
    }),
  );
});

test('the canonical text is the exact tail of "Bearer "; any other spelling takes the full path', () => {
  assert.equal(canonicalTokenText('Bearer abc.def.ghi'), 'abc.def.ghi');
  assert.equal(canonicalTokenText('Bearer  abc'), ' abc', 'unchecked: it is only ever a cache key');
  for (const header of [undefined, 'bearer abc', 'Basic abc', `Bearer ${'a'.repeat(20_000)}`]) assert.equal(canonicalTokenText(header), undefined);
  assert.equal(hasBearerScheme('  BEARER x'), true);
  assert.equal(hasBearerScheme('Bearerx'), false);
  assert.equal(bearerTokenOf('Bearer  abc  '), 'abc');
});

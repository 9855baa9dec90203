import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRefused, peekToken } from './peek-token.ts';

const segment = (text: string): string => Buffer.from(text).toString('base64url');
const token = (header: string, payload: string): string => `${segment(header)}.${segment(payload)}.c2ln`;

test('the unverified iss and alg are read without any key', () => {
  const peeked = peekToken(token('{"alg":"RS256","kid":"k"}', '{"iss":"https://a.example","sub":"x"}'));
  assert.ok(!isRefused(peeked));
  assert.deepEqual(peeked, { alg: 'RS256', iss: 'https://a.example' });
  const noIssuer = peekToken(token('{"alg":"RS256"}', '{"iss":5}'));
  assert.ok(!isRefused(noIssuer) && noIssuer.iss === undefined);
});

test('a header that names or carries its own key is refused: keys come from the issuer only', () => {
  for (const header of ['jku', 'x5u', 'jwk', 'x5c']) {
    const peeked = peekToken(token(`{"alg":"RS256","${header}":"http://127.0.0.1:1/keys"}`, '{"iss":"https://a.example"}'));
    assert.ok(isRefused(peeked), header);
    assert.equal(peeked.reason, 'bearer_malformed');
  }
});

test('a repeated claim or header parameter is refused, whichever value a parser would keep', () => {
  const claims = peekToken(token('{"alg":"RS256"}', '{"iss":"https://a.example","sub":"alice","sub":"admin"}'));
  assert.ok(isRefused(claims) && claims.reason === 'bearer_claims_invalid');
  const header = peekToken(token('{"alg":"RS256","alg":"none"}', '{"iss":"https://a.example"}'));
  assert.ok(isRefused(header) && header.reason === 'bearer_malformed');
});

test('segments that are not JSON objects are refused, never thrown', () => {
  for (const [h, p] of [['not json', '{}'], ['{"alg":"RS256"}', '[1]'], ['null', '{}'], ['{"alg":"RS256"}', '"x"']]) {
    const peeked = peekToken(token(h as string, p as string));
    assert.ok(isRefused(peeked), `${h} ${p}`);
  }
  assert.ok(isRefused(peekToken('....')));
});

/**
 * Properties of Bearer JWT verification: for tokens signed with the provider's key over claims
 * drawn from the cases that matter (issuer, audience, expiry, not-before), verification accepts
 * exactly the tokens a model of the rules accepts; a valid token changed in any way (one
 * character, a segment from another token, a re-encoded header or payload) is never accepted;
 * and no input, however malformed, makes verification throw.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { base64url, createLocalJWKSet, type JWTPayload } from 'jose';
import { makeKey, nowSec, sign, type TestKey } from '../../../test/support/jwks-test-idp.ts';
import { ASYMMETRIC_ALGORITHMS, verifyJwt, type JwtCheck } from './verify-jwt.ts';

const ISSUER = 'https://login.example.com';
const CLIENT = 'gatehouse';
const TOLERANCE = 30;
let key: TestKey;
let stranger: TestKey;
let check: JwtCheck;

before(async () => {
  key = await makeKey('k1');
  stranger = await makeKey('k1');
  check = { issuer: ISSUER, audience: CLIENT, algorithms: ASYMMETRIC_ALGORITHMS, clockToleranceSec: TOLERANCE, getKey: createLocalJWKSet({ keys: [key.jwk] }) };
});

const now = nowSec();
const claims = fc.record(
  {
    iss: fc.constantFrom(ISSUER, `${ISSUER}/`, 'https://evil.example.com', 5),
    aud: fc.constantFrom<unknown>(CLIENT, [CLIENT], ['other', CLIENT], 'other', ['a', 'b'], [], 7, 'Gatehouse'),
    // Well inside or well outside the tolerance, so the clock moving during the run changes nothing.
    exp: fc.constantFrom<unknown>(now + 600, now - 600, now - 10, now + 10 ** 9, 'later', null),
    nbf: fc.constantFrom<unknown>(now - 600, now + 600, now + 10, 'soon'),
    sub: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: ['sub'] },
);

/** The rules, written out: what verifyJwt must accept. */
function acceptable(c: Record<string, unknown>): boolean {
  const audience = Array.isArray(c.aud) ? c.aud : [c.aud];
  if (c.iss !== ISSUER || !audience.includes(CLIENT)) return false;
  if (typeof c.exp !== 'number' || c.exp <= now - TOLERANCE) return false;
  return c.nbf === undefined || (typeof c.nbf === 'number' && c.nbf <= now + TOLERANCE);
}

test('property: a token signed by the provider is accepted exactly when its claims satisfy every rule', async () => {
  await fc.assert(
    fc.asyncProperty(claims, async (c) => {
      const token = await sign(key, c as JWTPayload);
      const result = await verifyJwt(token, check);
      assert.equal(result.ok, acceptable(c), `${JSON.stringify(c)}: ${JSON.stringify(result)}`);
    }),
    { seed: 15010, numRuns: 300 },
  );
});

/** Ways of changing a valid token. */
type Change = (token: string, other: string) => string;
const CHANGES: Record<string, Change> = {
  'one character': (t) => {
    const i = Math.floor(t.length / 3);
    return t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
  },
  'last character': (t) => t.slice(0, -1) + (t.endsWith('A') ? 'Q' : 'A'),
  'signature of another token': (t, o) => `${t.split('.').slice(0, 2).join('.')}.${o.split('.')[2]}`,
  'payload of another token': (t, o) => [t.split('.')[0], o.split('.')[1], t.split('.')[2]].join('.'),
  'alg none': (t) => `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${t.split('.')[1]}.`,
  'alg HS256': (t) => `${base64url.encode(JSON.stringify({ alg: 'HS256', kid: 'k1' }))}.${t.split('.').slice(1).join('.')}`,
  'payload widened': (t) => {
    const [h, p, s] = t.split('.') as [string, string, string];
    const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p))) as Record<string, unknown>;
    return `${h}.${base64url.encode(JSON.stringify({ ...payload, sub: 'admin', groups: ['admins'] }))}.${s}`;
  },
  'no signature': (t) => `${t.split('.').slice(0, 2).join('.')}.`,
  'extra segment': (t) => `${t}.${t.split('.')[2]}`,
  'signed by another key with the same kid': (_t, o) => o,
};

test('property: a valid token changed in any way is never accepted', async () => {
  const good = { iss: ISSUER, aud: CLIENT, exp: now + 600, sub: 'alice' };
  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...Object.keys(CHANGES)), fc.string({ maxLength: 6 }), async (change, sub) => {
      const token = await sign(key, { ...good, sub });
      const other = await sign(stranger, { ...good, sub: `${sub}x` });
      assert.equal((await verifyJwt(token, check)).ok, true);
      const changed = (CHANGES[change] as Change)(token, other);
      const result = await verifyJwt(changed, check);
      assert.equal(result.ok, false, `${change} was accepted`);
    }),
    { seed: 15011, numRuns: 200 },
  );
});

test('property: verification never throws and never accepts, whatever the text', async () => {
  const segment = fc.oneof(fc.base64String({ maxLength: 40 }).map((s) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')), fc.string({ maxLength: 20 }));
  const jsonSegment = fc.jsonValue({ maxDepth: 2 }).map((v) => base64url.encode(JSON.stringify(v)));
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.tuple(fc.oneof(segment, jsonSegment), fc.oneof(segment, jsonSegment), segment).map((parts) => parts.join('.')),
  );
  await fc.assert(
    fc.asyncProperty(text, async (token) => {
      const result = await verifyJwt(token, check);
      assert.equal(result.ok, false);
    }),
    { seed: 15012, numRuns: 1500 },
  );
});

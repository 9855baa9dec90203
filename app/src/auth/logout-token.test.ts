/**
 * Properties of logout-token validation (OIDC Back-Channel Logout 1.0 §2.4, §2.6): over tokens
 * signed by the provider with claims and headers drawn from every rule's cases, a token is
 * accepted exactly when a model of the rules accepts it; a changed token is never accepted; and
 * anything else is refused with an Error, never with something that escapes the route.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { base64url, createLocalJWKSet, type JWTPayload } from 'jose';
import { makeKey, nowSec, sign, type TestKey } from '../../test/support/jwks-test-idp.ts';
import { BACKCHANNEL_LOGOUT_EVENT, verifyLogoutToken, type LogoutTokenContext } from './logout-token.ts';

const ISSUER = 'https://login.example.com';
const CLIENT = 'gatehouse';
let key: TestKey;
let context: LogoutTokenContext;

before(async () => {
  key = await makeKey('k1');
  context = { issuer: ISSUER, clientId: CLIENT, jwks: createLocalJWKSet({ keys: [key.jwk] }), algorithms: ['RS256'] };
});

const now = nowSec();
/** Mostly the valid value, so that tokens passing every other rule are common and each rule is tested alone. */
const mostly = <T>(valid: T, ...others: T[]) => fc.oneof({ arbitrary: fc.constant(valid), weight: 8 }, fc.constantFrom(...others));
/** Present or absent; absent properties are left out of the token. */
const maybe = <T>(arb: fc.Arbitrary<T>, freq: number) => fc.option(arb, { nil: undefined, freq });
const claims = fc.record({
  iss: maybe(mostly<unknown>(ISSUER, 'https://evil.example.com'), 20),
  aud: maybe(mostly<unknown>(CLIENT, [CLIENT, 'other'], 'other'), 20),
  // The token may be at most ten minutes old; these stay well clear of the edge.
  iat: maybe(mostly<unknown>(now, now - 120, now - 3600, 'now'), 20),
  jti: maybe(mostly<unknown>('j-1', '', 42, 'x'.repeat(600)), 20),
  events: maybe(mostly<unknown>({ [BACKCHANNEL_LOGOUT_EVENT]: {} }, { [BACKCHANNEL_LOGOUT_EVENT]: 'yes' }, { other: {} }, [], 'logout', { [BACKCHANNEL_LOGOUT_EVENT]: [] }), 20),
  sid: maybe(mostly<unknown>('sid-1', '', 7, 'y'.repeat(600)), 3),
  sub: maybe(mostly<unknown>('alice', '', null), 3),
  nonce: maybe(fc.constant('n-1'), 1),
});
const typ = fc.oneof({ arbitrary: fc.constantFrom<string | undefined>(undefined, 'logout+jwt'), weight: 6 }, fc.constantFrom('Logout+JWT', 'JWT', 'at+jwt'));

const usable = (value: unknown): boolean => typeof value === 'string' && value.length > 0 && value.length <= 512;

/** The rules, written out: what verifyLogoutToken must accept. */
function acceptable(c: Record<string, unknown>, header: string | undefined): boolean {
  const audience = Array.isArray(c.aud) ? c.aud : [c.aud];
  if (c.iss !== ISSUER || !audience.includes(CLIENT)) return false;
  if (typeof c.iat !== 'number' || now - c.iat > 600) return false;
  if (header !== undefined && header.toLowerCase() !== 'logout+jwt') return false;
  const events = c.events as Record<string, unknown> | undefined;
  if (typeof events !== 'object' || events === null || Array.isArray(events)) return false;
  const event = events[BACKCHANNEL_LOGOUT_EVENT];
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return false;
  if (c.nonce !== undefined) return false;
  if (!usable(c.jti)) return false;
  for (const name of ['sid', 'sub']) if (c[name] !== undefined && !usable(c[name])) return false;
  return usable(c.sid) || usable(c.sub);
}

function sameBytes(a: string, b: string): boolean {
  const bytes = (t: string) => t.split('.').map((segment) => Buffer.from(segment, 'base64url').toString('hex')).join('.');
  return a.split('.').length === b.split('.').length && bytes(a) === bytes(b);
}

async function outcome(token: string): Promise<'accepted' | 'refused'> {
  try {
    await verifyLogoutToken(token, context);
    return 'accepted';
  } catch (error) {
    assert.ok(error instanceof Error, `threw ${String(error)}`);
    return 'refused';
  }
}

test('property: a signed logout token is accepted exactly when it satisfies every rule', async () => {
  let accepted = 0;
  await fc.assert(
    fc.asyncProperty(claims, typ, async (c, t) => {
      const token = await sign(key, c as JWTPayload, t === undefined ? {} : { typ: t });
      const expected = acceptable(c, t);
      if (expected) accepted += 1;
      assert.equal(await outcome(token), expected ? 'accepted' : 'refused', `${JSON.stringify(c)} typ=${t}`);
    }),
    { seed: 15013, numRuns: 400 },
  );
  assert.ok(accepted > 40, `only ${accepted} acceptable tokens generated`);
});

test('property: a valid logout token changed in any way, or any other text, is refused', async () => {
  const good = { iss: ISSUER, aud: CLIENT, iat: now, jti: 'j', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} }, sid: 'sid-1' };
  const token = await sign(key, good, { typ: 'logout+jwt' });
  assert.equal(await outcome(token), 'accepted');
  const [h, p, s] = token.split('.') as [string, string, string];
  const changed = fc.oneof(
    fc.nat({ max: token.length - 1 }).map((i) => token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1)),
    fc.jsonValue({ maxDepth: 2 }).map((payload) => `${h}.${base64url.encode(JSON.stringify(payload))}.${s}`),
    fc.constant(`${base64url.encode(JSON.stringify({ alg: 'none' }))}.${p}.`),
    fc.string({ unit: 'binary', maxLength: 100 }),
    fc.constant(''),
    fc.constant('x'.repeat(20_000)),
  );
  await fc.assert(
    fc.asyncProperty(changed, async (text) => {
      // A change to the unused low bits of a segment's last character leaves the same bytes: the same token.
      if (sameBytes(text, token)) return;
      assert.equal(await outcome(text), 'refused', text.slice(0, 80));
    }),
    { seed: 15014, numRuns: 600 },
  );
  // Not a string at all, as a form parser may hand over.
  for (const odd of [undefined, null, 42, ['a'], { a: 1 }]) assert.equal(await outcome(odd as unknown as string), 'refused');
});

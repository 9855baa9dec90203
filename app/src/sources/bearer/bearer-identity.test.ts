/**
 * The bearer source's judgement with listed issuers, against loopback key sets: the unverified iss
 * picks the issuer before any signature work, each issuer's mapping and prefix make the identity,
 * a verified token costs one signature check however often it comes back, and tokens that no
 * honest issuer sends are refused even when correctly signed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CompactSign } from 'jose';
import type { IssuerSettings } from '../../config/bearer-settings.ts';
import type { AppDeps } from '../../deps.ts';
import { loggedFetch } from '../../http/outbound/logged-fetch.ts';
import { parseClaimsConfig } from '../../identity/claims/parse-claims-config.ts';
import { parseIdentityConfig, type IdentityConfig } from '../../identity/identity-config.ts';
import { REASONS } from '../../policy/reasons.ts';
import { makeKey, nowSec, sign, startTestIdp, type TestIdp, type TestKey } from '../../../test/support/jwks-test-idp.ts';
import type { Identified } from '../identified.ts';
import { createBearerIdentifier } from './bearer-identity.ts';

const API = 'https://api.example.test';
let one: TestIdp;
let two: TestIdp;
let keyOne: TestKey;
let keyTwo: TestKey;
let identity: IdentityConfig;
let stopping = false;

function issuer(idp: TestIdp, extra: Partial<IssuerSettings> = {}): IssuerSettings {
  return {
    issuer: idp.issuer,
    jwksUri: new URL(idp.jwksUri),
    discoveryUrl: new URL(`${idp.issuer}/.well-known/openid-configuration`),
    audiences: [API],
    algorithms: ['RS256', 'ES256'],
    clockSkewSec: 30,
    usernamePrefix: '',
    claims: undefined,
    caPem: undefined,
    timeoutMs: 2000,
    introspection: undefined,
    ...extra,
  };
}

function identifier(issuers: readonly IssuerSettings[]): (header: string) => Promise<Identified> {
  const silent = { warn() {}, debug() {}, info() {}, error() {} };
  const deps = {
    config: { bearer: { issuers, cacheSize: 100 }, oidc: undefined, identitySources: ['bearer'], bearerValidation: 'jwks' },
    idp: {},
    identity: { current: () => identity },
    logger: silent,
    now: Date.now,
    outbound: { issuers: new Map(issuers.map((i) => [i.issuer, { fetch: () => loggedFetch(undefined as never, silent, () => ({ target: 'jwks', expect200: true })) }])) },
    lifecycle: { get shuttingDown() { return stopping; } },
  } as unknown as AppDeps;
  const identify = createBearerIdentifier(deps);
  return async (header) => identify(header);
}

before(async () => {
  keyOne = await makeKey('one');
  keyTwo = await makeKey('two', 'ES256');
  one = await startTestIdp([keyOne]);
  two = await startTestIdp([keyTwo]);
  identity = parseIdentityConfig({}, []);
});
after(async () => {
  stopping = true;
  await one.close();
  await two.close();
});

const claims = (idp: TestIdp, extra: Record<string, unknown> = {}) => ({ iss: idp.issuer, aud: API, sub: 'ci', exp: nowSec() + 600, scope: 'deploy', ...extra });
const bearer = (token: string) => `Bearer ${token}`;

test('each issuer’s tokens are verified with its own keys and mapped with its own claims and prefix', async () => {
  const own = parseClaimsConfig({ username: 'repository' }).config;
  const identify = identifier([issuer(one, { usernamePrefix: 'one:' }), issuer(two, { usernamePrefix: 'github:', claims: own })]);
  const a = await identify(bearer(await sign(keyOne, claims(one))));
  const b = await identify(bearer(await sign(keyTwo, claims(two, { repository: 'example-org/app' }))));
  assert.ok(a.state === 'identified' && b.state === 'identified');
  assert.deepEqual([a.identity.user, a.source], ['one:ci', 'bearer']);
  assert.equal(b.identity.user, 'github:example-org/app');
  assert.equal(b.identity.claims.scope, 'deploy', 'the scope stays on the claims for allowed_scopes');
  // The same sub from both issuers never names the same user.
  const sameSub = await identify(bearer(await sign(keyTwo, claims(two, { repository: 'ci' }))));
  assert.ok(sameSub.state === 'identified' && sameSub.identity.user !== a.identity.user);
});

test('a token signed by one issuer’s key but claiming the other issuer is refused', async () => {
  const identify = identifier([issuer(one), issuer(two)]);
  const crossed = await identify(bearer(await sign(keyOne, claims(two), { kid: 'two' })));
  assert.deepEqual(crossed, { state: 'unauthenticated', reason: REASONS.bearerInvalid });
});

test('an unknown iss is 401 before any key is fetched', async () => {
  const identify = identifier([issuer(one)]);
  await identify(bearer(await sign(keyOne, claims(one))));
  const before = one.calls.jwks + two.calls.jwks;
  for (const iss of [two.issuer, `${one.issuer}/`, 'https://evil.example', undefined]) {
    const who = await identify(bearer(await sign(keyOne, claims(one, { iss }))));
    assert.deepEqual(who, { state: 'unauthenticated', reason: REASONS.bearerUnknownIssuer }, String(iss));
  }
  assert.equal(one.calls.jwks + two.calls.jwks, before);
});

test('a token sent 1,000 times, at once and one after another, costs one signature check', async () => {
  const identify = identifier([issuer(one)]);
  const token = bearer(await sign(keyOne, claims(one)));
  const subtle = globalThis.crypto.subtle;
  const verify = subtle.verify.bind(subtle);
  let checks = 0;
  subtle.verify = ((...args: Parameters<typeof verify>) => {
    checks++;
    return verify(...args);
  }) as typeof subtle.verify;
  try {
    const first = await Promise.all(Array.from({ length: 500 }, () => identify(token)));
    for (let i = 0; i < 500; i++) assert.equal((await identify(token)).state, 'identified');
    assert.ok(first.every((who) => who.state === 'identified'));
  } finally {
    subtle.verify = verify;
  }
  assert.equal(checks, 1);
});

test('a correctly signed token that repeats a claim or names its own key location is refused', async () => {
  const identify = identifier([issuer(one)]);
  const payload = `{"iss":${JSON.stringify(one.issuer)},"aud":"${API}","sub":"ci","sub":"admin","exp":${nowSec() + 600}}`;
  const duplicate = await new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'RS256', kid: 'one' }).sign(keyOne.privateKey);
  assert.deepEqual(await identify(bearer(duplicate)), { state: 'unauthenticated', reason: REASONS.bearerInvalid });
  for (const header of [{ jku: one.jwksUri }, { x5u: one.jwksUri }]) {
    assert.deepEqual(await identify(bearer(await sign(keyOne, claims(one), header))), { state: 'unauthenticated', reason: REASONS.bearerInvalid });
  }
});

test('an issuer whose keys cannot be had answers 503 for its tokens only', async () => {
  const identify = identifier([issuer(one), issuer(two, { jwksUri: new URL(`${two.jwksUri}-gone`) })]);
  const down = await identify(bearer(await sign(keyTwo, claims(two))));
  assert.equal(down.state, 'failed');
  assert.ok(down.state === 'failed' && down.status === 503 && down.reason === REASONS.idpUnavailable);
  assert.equal((await identify(bearer(await sign(keyOne, claims(one))))).state, 'identified');
});

test('an expired token is 401 with its own reason; a reloaded claims mapping forgets mapped identities', async () => {
  const identify = identifier([issuer(one)]);
  assert.deepEqual(await identify(bearer(await sign(keyOne, claims(one, { exp: nowSec() - 3600 })))), { state: 'unauthenticated', reason: REASONS.bearerExpired });
  const token = bearer(await sign(keyOne, claims(one, { email: 'ci@example.com' })));
  const before = await identify(token);
  assert.ok(before.state === 'identified' && before.identity.user === 'ci');
  const previous = identity;
  identity = parseIdentityConfig({ claims: { username: 'email' } }, []);
  try {
    const after = await identify(token);
    assert.ok(after.state === 'identified' && after.identity.user === 'ci@example.com');
  } finally {
    identity = previous;
  }
});

test('a remembered token answers at once only when sent exactly as judged; other spellings are judged again, never looser', async () => {
  const identify = identifier([issuer(one)]);
  const token = await sign(keyOne, claims(one));
  assert.equal((await identify(`Bearer ${token}`)).state, 'identified');
  assert.equal((await identify(`bearer   ${token}  `)).state, 'identified', 'the same token in another spelling is the same identity');
  assert.deepEqual(await identify(`Bearer ${token}x`), { state: 'unauthenticated', reason: REASONS.bearerInvalid });
  assert.deepEqual(await identify(`Bearer ${token} x`), { state: 'unauthenticated', reason: REASONS.bearerInvalid });
});

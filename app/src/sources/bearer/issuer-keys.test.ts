import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { errors } from 'jose';
import { deadUrl, makeKey, startTestIdp, type TestIdp, type TestKey } from '../../../test/support/jwks-test-idp.ts';
import { createIssuerKeys, KEY_SET_COOLDOWN_MS, KeySetUnavailableError, NotLocatedYet, type IssuerKeys } from './issuer-keys.ts';

let idp: TestIdp;
let first: TestKey;
let rotated: TestKey;
const opened: IssuerKeys[] = [];
let clock = 1_000_000;

before(async () => {
  first = await makeKey('first');
  rotated = await makeKey('rotated');
  idp = await startTestIdp([first]);
});
after(async () => {
  for (const keys of opened) keys.close();
  await idp.close();
});

function keysAt(jwksUri: string | (() => string)): IssuerKeys {
  const keys = createIssuerKeys({ locate: async () => (typeof jwksUri === 'string' ? jwksUri : jwksUri()), fetch, timeoutMs: 2000, now: () => clock });
  opened.push(keys);
  return keys;
}

const header = (kid: string) => ({ alg: 'RS256', kid });
const token = { payload: '', signature: '' };

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await sleep(20);
}

test('the key set is fetched at start-up, before any token asks', async () => {
  const before = idp.calls.jwks;
  keysAt(idp.jwksUri);
  await until(() => idp.calls.jwks > before);
  assert.equal(idp.calls.jwks, before + 1);
});

test('an unknown kid fetches the set again at most once per cooldown; a rotated-in key is then found', async () => {
  idp.jwks = { keys: [first.jwk] };
  const keys = keysAt(idp.jwksUri);
  await keys.getKey(header('first'), token);
  const fetched = idp.calls.jwks;
  // Within the cooldown of the start-up fetch: no fetch, however many unknown kids arrive.
  for (let i = 0; i < 20; i++) await assert.rejects(async () => keys.getKey(header(`made-up-${i}`), token), errors.JWKSNoMatchingKey);
  assert.equal(idp.calls.jwks, fetched);
  idp.jwks = { keys: [first.jwk, rotated.jwk] };
  clock += KEY_SET_COOLDOWN_MS;
  const [a, b] = await Promise.all([keys.getKey(header('rotated'), token), keys.getKey(header('rotated'), token)]);
  assert.ok(a && b);
  assert.equal(idp.calls.jwks, fetched + 1, 'two checks at once share one fetch');
  await assert.rejects(async () => keys.getKey(header('still-unknown'), token), errors.JWKSNoMatchingKey);
  assert.equal(idp.calls.jwks, fetched + 1);
});

test('a key set that cannot be had is KeySetUnavailableError (503), never a bad token', async () => {
  const keys = keysAt(await deadUrl('/jwks'));
  await assert.rejects(async () => keys.getKey(header('first'), token), KeySetUnavailableError);
  idp.jwks = 500;
  try {
    await assert.rejects(async () => keysAt(idp.jwksUri).getKey(header('first'), token), KeySetUnavailableError);
  } finally {
    idp.jwks = { keys: [first.jwk] };
  }
});

test('an outage after start-up keeps the keys; an unknown kid that cannot be checked is 503', async () => {
  const keys = keysAt(idp.jwksUri);
  await keys.getKey(header('first'), token);
  idp.jwks = 503;
  try {
    clock += KEY_SET_COOLDOWN_MS;
    assert.ok(await keys.getKey(header('first'), token), 'known keys still verify');
    await assert.rejects(async () => keys.getKey(header('new'), token), KeySetUnavailableError);
    await assert.rejects(async () => keys.getKey(header('newer'), token), errors.JWKSNoMatchingKey, 'and within the cooldown, no second fetch');
  } finally {
    idp.jwks = { keys: [first.jwk] };
  }
});

test('a failed start-up fetch is retried in the background', async () => {
  idp.jwks = 500;
  const before = idp.calls.jwks;
  const keys = keysAt(idp.jwksUri);
  await until(() => idp.calls.jwks > before);
  idp.jwks = { keys: [first.jwk] };
  await until(() => idp.calls.jwks > before + 1);
  // The retry has been asked for; its answer is read a moment later, on a busy machine later still.
  let found: unknown;
  for (let i = 0; i < 100 && found === undefined; i++) {
    found = await (async () => keys.getKey(header('first'), token))().catch(() => undefined);
    if (found === undefined) await sleep(20);
  }
  assert.ok(found);
});

test('while the location is not known (discovery loading), no call is made and a check may try once it is', async () => {
  let known: string | undefined;
  const keys = createIssuerKeys({
    locate: async () => {
      if (known === undefined) throw new NotLocatedYet('discovery has not loaded');
      return known;
    },
    fetch,
    timeoutMs: 2000,
    now: () => clock,
  });
  opened.push(keys);
  await assert.rejects(async () => keys.getKey(header('first'), token), /discovery has not loaded/);
  known = idp.jwksUri;
  assert.ok(await keys.getKey(header('first'), token), 'the first check after discovery fetches at once');
});

test('an answer that is not a key set is refused and reported without its content', async () => {
  const lines: Array<Record<string, unknown>> = [];
  idp.jwks = { keys: 'nope' } as unknown as { keys: [] };
  try {
    const keys = createIssuerKeys({ locate: async () => idp.jwksUri, fetch, timeoutMs: 2000, now: () => clock, log: { warn: (fields) => lines.push(fields as Record<string, unknown>) } });
    opened.push(keys);
    await assert.rejects(async () => keys.getKey(header('first'), token), KeySetUnavailableError);
    assert.equal(lines[0]?.cause, 'the answer is not a JSON Web Key Set');
  } finally {
    idp.jwks = { keys: [first.jwk] };
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { createPrincipalCache } from './principal-cache.ts';

test('answers the same login and password until the TTL, and nothing for another password', async () => {
  let now = 0;
  const cache = createPrincipalCache<string>(60_000, () => now);
  await cache.set('alice', 'correct horse', 'alice-identity');
  assert.equal(await cache.get('alice', 'correct horse'), 'alice-identity');
  assert.equal(await cache.get('alice', 'correct hors'), undefined);
  assert.equal(await cache.get('alice', 'Correct horse'), undefined);
  assert.equal(await cache.get('bob', 'correct horse'), undefined);
  now = 59_999;
  assert.equal(await cache.get('alice', 'correct horse'), 'alice-identity');
  now = 60_000;
  assert.equal(await cache.get('alice', 'correct horse'), undefined, 'expired');
  assert.equal(cache.size, 0, 'an expired entry is dropped');
});

test('never holds the password: not in any entry, nor in what inspecting the cache shows', async () => {
  const password = 'pässwörd-that-must-not-stay-in-memory-9f3a';
  const cache = createPrincipalCache<{ user: string }>(60_000);
  await cache.set('alice', password, { user: 'alice' });
  const shown = inspect(cache, { depth: 10, showHidden: true });
  assert.ok(!shown.includes(password));
  // The hash is salted per entry: storing the same password twice gives two different hashes.
  const other = createPrincipalCache<string>(60_000);
  await other.set('x', password, 'x');
  await other.set('x', password, 'x');
  assert.equal(await other.get('x', password), 'x');
});

test('a TTL of 0 turns the cache off', async () => {
  const cache = createPrincipalCache<string>(0);
  await cache.set('alice', 'pw', 'v');
  assert.equal(await cache.get('alice', 'pw'), undefined);
  assert.equal(cache.size, 0);
});

test('bounded: beyond the limit the oldest login goes', async () => {
  const cache = createPrincipalCache<number>(60_000, Date.now, 3);
  for (let i = 0; i < 5; i++) await cache.set(`user${i}`, 'pw', i);
  assert.equal(cache.size, 3);
  assert.equal(await cache.get('user0', 'pw'), undefined);
  assert.equal(await cache.get('user4', 'pw'), 4);
});

test('a hit and a miss cost about the same: both compute one scrypt hash', async () => {
  const cache = createPrincipalCache<string>(60_000);
  await cache.set('alice', 'pw', 'v');
  const time = async (login: string): Promise<number> => {
    const started = performance.now();
    for (let i = 0; i < 10; i++) await cache.get(login, 'pw');
    return performance.now() - started;
  };
  await time('alice');
  const hit = await time('alice');
  const miss = await time('nobody');
  assert.ok(miss > hit / 3 && miss < hit * 3, `hit ${hit.toFixed(1)} ms, miss ${miss.toFixed(1)} ms`);
  assert.ok(hit / 10 > 1, `one lookup takes ${(hit / 10).toFixed(2)} ms: a slow hash`);
});

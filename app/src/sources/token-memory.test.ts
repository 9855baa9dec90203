import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { createConnectionKeys, createTokenMemory, tokenKey } from './token-memory.ts';

test('the key is the SHA-256 of the token, never the token', () => {
  const key = tokenKey('secret-token');
  assert.equal(key, createHash('sha256').update('secret-token').digest('base64'));
  assert.ok(!key.includes('secret'));
  assert.notEqual(tokenKey('secret-tokeN'), key);
});

test("a connection's key is always its current token's: reused while the text repeats, never stale or shared", () => {
  const keyOf = createConnectionKeys();
  const first = {};
  const second = {};
  const a = 'header.payload.signature-a';
  const b = 'header.payload.signature-b';
  assert.equal(keyOf(first, a), tokenKey(a));
  assert.equal(keyOf(first, `${a.slice(0, 5)}${a.slice(5)}`), tokenKey(a), 'the same text in another string');
  assert.equal(keyOf(first, b), tokenKey(b), 'a new token on the same connection');
  assert.equal(keyOf(first, a), tokenKey(a), 'and back');
  assert.equal(keyOf(second, b), tokenKey(b), 'each connection its own');
  assert.equal(keyOf(first, a), tokenKey(a));
  assert.equal(keyOf(undefined, b), tokenKey(b), 'no connection: hashed each time');
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.constantFrom(a, b, `${a}x`, '')), { maxLength: 40 }), (sends) => {
      const keys = createConnectionKeys();
      const connections = [{}, {}, {}];
      for (const [i, text] of sends) assert.equal(keys(connections[i], text), tokenKey(text));
    }),
  );
});

test('a judged token is remembered until its time, synchronously, and judged again after', async () => {
  let clock = 1000;
  const memory = createTokenMemory<string>(10, () => clock);
  let judged = 0;
  const judge = async () => ({ value: `answer ${++judged}`, until: 2000 });
  assert.equal(await memory.recall('k', judge), 'answer 1');
  assert.equal(memory.recall('k', judge), 'answer 1', 'a remembered answer is not a promise');
  clock = 2000;
  assert.equal(await memory.recall('k', judge), 'answer 2');
});

test('checks arriving while a token is judged share that one judgement', async () => {
  const memory = createTokenMemory<string>(10, () => 0);
  let judged = 0;
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const judge = async () => {
    judged++;
    await gate;
    return { value: 'yes', until: 1 };
  };
  const all = Array.from({ length: 1000 }, () => memory.recall('k', judge));
  release();
  assert.deepEqual(new Set(await Promise.all(all)), new Set(['yes']));
  assert.equal(judged, 1);
});

test('an answer not meant to be remembered is not, and the count is bounded', async () => {
  const memory = createTokenMemory<number>(3, () => 0);
  await memory.recall('failed', async () => ({ value: 0, until: 0 }));
  assert.equal(memory.size, 0);
  for (let i = 0; i < 10; i++) await memory.recall(`k${i}`, async () => ({ value: i, until: 1 }));
  assert.equal(memory.size, 3);
  assert.equal(memory.recall('k9', async () => ({ value: -1, until: 1 })), 9);
  memory.clear();
  assert.equal(memory.size, 0);
});

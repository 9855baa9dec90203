import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAnswerCache, digest } from './answer-cache.ts';

test('an answer is remembered until its time, synchronously, and the key never holds the secret', async () => {
  let clock = 1000;
  const cache = createAnswerCache<string>(10, () => clock);
  let asked = 0;
  const ask = async () => ({ value: `answer ${++asked}`, until: clock + 100 });
  const key = digest('secret-token');
  assert.ok(!key.includes('secret'));
  assert.equal(await cache.answer(key, ask), 'answer 1');
  assert.equal(cache.answer(key, ask), 'answer 1', 'a remembered answer is not a promise');
  clock += 100;
  assert.equal(await cache.answer(key, ask), 'answer 2', 'an answer past its time is asked again');
});

test('checks arriving while a review is in flight share it', async () => {
  const cache = createAnswerCache<number>(10, () => 0);
  let asked = 0;
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => (release = resolve));
  const ask = async () => {
    asked += 1;
    await gate;
    return { value: 7, until: 1 };
  };
  const answers = Array.from({ length: 20 }, () => cache.answer('k', ask));
  release();
  assert.deepEqual(await Promise.all(answers), Array(20).fill(7));
  assert.equal(asked, 1);
});

test('an answer with no time left (an outage) is not remembered; the oldest goes beyond the bound', async () => {
  const cache = createAnswerCache<string>(2, () => 0);
  let asked = 0;
  await cache.answer('down', async () => ({ value: `down ${++asked}`, until: 0 }));
  assert.equal(await cache.answer('down', async () => ({ value: `down ${++asked}`, until: 0 })), 'down 2');
  for (const key of ['a', 'b', 'c']) await cache.answer(key, async () => ({ value: key, until: 10 }));
  assert.equal(cache.size, 2);
  assert.equal(await cache.answer('a', async () => ({ value: 'a again', until: 10 })), 'a again', 'the oldest was dropped');
});

test('a failed review rejects every waiter once and is not remembered', async () => {
  const cache = createAnswerCache<string>(2, () => 0);
  await assert.rejects(Promise.resolve(cache.answer('x', async () => Promise.reject(new Error('boom')))), /boom/);
  assert.equal(await cache.answer('x', async () => ({ value: 'ok', until: 1 })), 'ok');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryRequestRateLimiter } from './memory-request-rate-limiter.ts';
import { runRequestRateLimiterContract } from './request-rate-limiter.contract.ts';
import { retryAfterSeconds } from './request-rate-limiter.ts';

runRequestRateLimiterContract(
  'memory',
  async (limits) => {
    let offset = 0;
    const limiter = createMemoryRequestRateLimiter({ limits, now: () => Date.now() + offset });
    return { limiter, advance: async (ms) => void (offset += ms) };
  },
  60_000,
);

test('a flood from many addresses holds at most maxKeys windows; the one that ends soonest starts over first', async () => {
  let now = 0;
  const limiter = createMemoryRequestRateLimiter({ limits: { limit: 1, windowMs: 10_000 }, now: () => now, maxKeys: 100 });
  await limiter.hit('first');
  assert.equal((await limiter.hit('first')).allowed, false);
  now = 1_000;
  for (let i = 0; i < 10_000; i++) {
    await limiter.hit(`203.0.113.${i}`);
    assert.ok(limiter.size() <= 100, `${limiter.size()} keys`);
  }
  assert.equal(limiter.size(), 100);
  assert.equal((await limiter.hit('203.0.113.9999')).allowed, false, 'the newest keep their count');
  assert.equal((await limiter.hit('first')).allowed, true, 'the oldest went first');
});

test('ended windows are dropped as new ones come, so an idle limiter shrinks', async () => {
  let now = 0;
  const limiter = createMemoryRequestRateLimiter({ limits: { limit: 5, windowMs: 1_000 }, now: () => now });
  for (let i = 0; i < 500; i++) await limiter.hit(`198.51.100.${i}`);
  assert.equal(limiter.size(), 500);
  now = 1_000;
  await limiter.hit('later');
  assert.equal(limiter.size(), 1);
});

test('a clock stepped back never leaves an ended window in force', async () => {
  let now = 10_000;
  const limiter = createMemoryRequestRateLimiter({ limits: { limit: 1, windowMs: 1_000 }, now: () => now });
  await limiter.hit('a');
  now = 5_000;
  await limiter.hit('b');
  now = 10_500;
  assert.equal((await limiter.hit('b')).allowed, true, "b's window ended at 6000");
});

test('Retry-After is whole seconds, at least 1', () => {
  assert.deepEqual([1, 999, 1000, 1001, 59_001].map(retryAfterSeconds), [1, 1, 1, 2, 60]);
});

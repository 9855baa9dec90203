import assert from 'node:assert/strict';
import { test } from 'node:test';
import { attemptKeys, clientKey } from './attempt-limiter.ts';
import { runAttemptLimiterContract } from './attempt-limiter.contract.ts';
import { createMemoryAttemptLimiter } from './memory-attempt-limiter.ts';

runAttemptLimiterContract(
  'memory',
  async (limits) => {
    let offset = 0;
    const limiter = createMemoryAttemptLimiter({ limits, now: () => Date.now() + offset });
    return { limiter, advance: async (ms) => void (offset += ms) };
  },
  60_000,
);

test('the counters are bounded: an attack over many logins drops the counters nearest to expiry first', async () => {
  let now = 0;
  const limiter = createMemoryAttemptLimiter({ limits: { perUser: 1, perClient: 100, windowMs: 10_000 }, now: () => now, maxCounters: 50 });
  const early = attemptKeys('early', undefined);
  await limiter.failed(early);
  now = 2_000;
  for (let i = 0; i < 200; i++) await limiter.failed(attemptKeys(`spray-${i}`, undefined));
  now = 5_000;
  const late = attemptKeys('late', undefined);
  await limiter.failed(late);
  assert.equal((await limiter.blocked(late))?.scope, 'user', 'the newest block is kept');
  assert.equal(await limiter.blocked(early), undefined, 'the oldest went first');
});

test('client keys: IPv4 as is, IPv4-mapped unwrapped, IPv6 by its /64, anything else no key', () => {
  assert.equal(clientKey('203.0.113.9'), '203.0.113.9');
  assert.equal(clientKey('::ffff:203.0.113.9'), '203.0.113.9');
  assert.equal(clientKey('2001:db8:1:2:aaaa::1'), clientKey('2001:db8:1:2:bbbb::2'));
  assert.notEqual(clientKey('2001:db8:1:2::1'), clientKey('2001:db8:1:3::1'));
  for (const bad of [undefined, '', 'unknown', '203.0.113.9, 10.0.0.1', 'fe80::1%eth0']) assert.equal(clientKey(bad), undefined, String(bad));
});

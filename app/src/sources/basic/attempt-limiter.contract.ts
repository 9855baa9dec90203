/**
 * The contract every AttemptLimiter keeps, run against the memory and the Redis limiter: failures
 * below the limit block nothing; at the limit the scope is blocked with the time left in its
 * window; the window ends on time and never grows with later failures; a right password clears
 * the login's count but not the client's; scopes and keys never leak into one another.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { attemptKeys, type AttemptLimiter, type AttemptLimits } from './attempt-limiter.ts';

/** How the contract drives a limiter under test. */
export interface LimiterHarness {
  readonly limiter: AttemptLimiter;
  /** Moves the limiter's notion of time forward (a fake clock, or a real wait). */
  advance(ms: number): Promise<void>;
}

/** The limits the contract is written for; `windowMs` is the factory's. */
export const CONTRACT_LIMITS = { perUser: 3, perClient: 5 } as const;

let serial = 0;
/** Keys nobody else in the run uses (a shared Redis keeps counters between tests). */
const fresh = (client = true): ReturnType<typeof attemptKeys> => {
  serial += 1;
  return attemptKeys(`user-${process.pid}-${Date.now()}-${serial}`, client ? `198.51.100.${serial % 250}` : undefined);
};

/**
 * Registers the contract tests.
 * @param makeHarness - builds a limiter with CONTRACT_LIMITS and the given window
 * @param windowMs - long enough for a few round trips, short enough to wait out
 */
export function runAttemptLimiterContract(name: string, makeHarness: (limits: AttemptLimits) => Promise<LimiterHarness>, windowMs: number): void {
  describe(`AttemptLimiter contract: ${name}`, () => {
    const made: LimiterHarness[] = [];
    const harness = async (): Promise<LimiterHarness> => {
      const h = await makeHarness({ ...CONTRACT_LIMITS, windowMs });
      made.push(h);
      return h;
    };
    after(async () => {
      for (const h of made) await h.limiter.close();
    });

    it('failures below the limit block nothing; at the limit the login is blocked for what is left of the window', async () => {
      const { limiter } = await harness();
      const keys = fresh(false);
      for (let i = 0; i < CONTRACT_LIMITS.perUser - 1; i++) await limiter.failed(keys);
      assert.equal(await limiter.blocked(keys), undefined);
      await limiter.failed(keys);
      const blocked = await limiter.blocked(keys);
      assert.equal(blocked?.scope, 'user');
      assert.ok(blocked !== undefined && blocked.retryAfterMs > 0 && blocked.retryAfterMs <= windowMs, JSON.stringify(blocked));
    });

    it('the window starts with the first failure, later failures never extend it, and it ends on time', async () => {
      const h = await harness();
      const keys = fresh(false);
      await h.limiter.failed(keys);
      await h.advance(windowMs / 2);
      for (let i = 0; i < 5; i++) await h.limiter.failed(keys);
      const blocked = await h.limiter.blocked(keys);
      assert.ok(blocked !== undefined && blocked.retryAfterMs <= windowMs / 2 + 50, JSON.stringify(blocked));
      await h.advance(windowMs / 2 + 100);
      assert.equal(await h.limiter.blocked(keys), undefined);
      await h.limiter.failed(keys);
      assert.equal(await h.limiter.blocked(keys), undefined, 'a new window counts from one');
    });

    it('a client address is blocked across logins, and another address is not', async () => {
      const { limiter } = await harness();
      const address = `203.0.113.${(serial += 1) % 250}`;
      for (let i = 0; i < CONTRACT_LIMITS.perClient; i++) await limiter.failed(attemptKeys(`spray-${process.pid}-${serial}-${i}`, address));
      const next = attemptKeys(`spray-${process.pid}-${serial}-next`, address);
      assert.equal((await limiter.blocked(next))?.scope, 'client');
      assert.equal(await limiter.blocked(attemptKeys(`spray-${process.pid}-${serial}-next`, '192.0.2.77')), undefined);
    });

    it('a right password clears the login count but not the client count', async () => {
      const { limiter } = await harness();
      const keys = fresh();
      for (let i = 0; i < CONTRACT_LIMITS.perUser - 1; i++) await limiter.failed(keys);
      await limiter.succeeded(keys);
      await limiter.failed(keys);
      assert.equal(await limiter.blocked(keys), undefined, 'the login starts over');
      for (let i = 0; i < CONTRACT_LIMITS.perClient - CONTRACT_LIMITS.perUser + 1; i++) await limiter.failed(attemptKeys(`other-${serial}-${i}`, keys.client));
      assert.equal((await limiter.blocked(keys))?.scope, 'client', 'the address keeps every failure');
    });

    it('logins differing only in case are one target; different logins are not', async () => {
      const { limiter } = await harness();
      const base = `Case-${process.pid}-${(serial += 1)}`;
      for (let i = 0; i < CONTRACT_LIMITS.perUser; i++) await limiter.failed(attemptKeys(i % 2 ? base.toUpperCase() : base, undefined));
      assert.equal((await limiter.blocked(attemptKeys(base.toLowerCase(), undefined)))?.scope, 'user');
      assert.equal(await limiter.blocked(attemptKeys(`${base}x`, undefined)), undefined);
    });
  });
}

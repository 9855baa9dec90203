/**
 * The contract every RequestRateLimiter keeps, run against the memory and the Redis limiter:
 * requests up to the limit pass and the next is refused with the time left in its window; the
 * window starts with the first request, refused requests never extend it, and it ends on time;
 * keys never share a count; concurrent requests are counted exactly.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { RateLimits, RequestRateLimiter } from './request-rate-limiter.ts';

/** How the contract drives a limiter under test. */
export interface RateLimiterHarness {
  readonly limiter: RequestRateLimiter;
  /** Moves the limiter's notion of time forward (a fake clock, or a real wait). */
  advance(ms: number): Promise<void>;
  /** Releases what the harness opened. */
  close?(): Promise<void>;
}

/** The limit the contract is written for; the window is the runner's. */
export const CONTRACT_LIMIT = 4;

let serial = 0;
/** A key nobody else in the run uses (a shared Redis keeps counters between tests). */
const fresh = (): string => `198.51.100.${(serial += 1) % 250}-${process.pid}-${Date.now()}-${serial}`;

const allowedOf = async (limiter: RequestRateLimiter, key: string, times: number): Promise<number> => {
  let allowed = 0;
  for (let i = 0; i < times; i++) if ((await limiter.hit(key)).allowed) allowed += 1;
  return allowed;
};

/**
 * Registers the contract tests.
 * @param makeHarness - builds a limiter with the given limits
 * @param windowMs - long enough for a few round trips, short enough to wait out
 */
export function runRequestRateLimiterContract(name: string, makeHarness: (limits: RateLimits) => Promise<RateLimiterHarness>, windowMs: number): void {
  describe(`RequestRateLimiter contract: ${name}`, () => {
    const made: RateLimiterHarness[] = [];
    const harness = async (): Promise<RateLimiterHarness> => {
      const h = await makeHarness({ limit: CONTRACT_LIMIT, windowMs });
      made.push(h);
      return h;
    };
    after(async () => {
      for (const h of made) await h.close?.();
    });

    it('requests up to the limit pass; the next is refused for what is left of the window', async () => {
      const { limiter } = await harness();
      const key = fresh();
      assert.equal(await allowedOf(limiter, key, CONTRACT_LIMIT), CONTRACT_LIMIT);
      const refused = await limiter.hit(key);
      assert.equal(refused.allowed, false);
      assert.ok(!refused.allowed && refused.retryAfterMs > 0 && refused.retryAfterMs <= windowMs, JSON.stringify(refused));
    });

    it('the window starts with the first request, refused requests never extend it, and it ends on time', async () => {
      const h = await harness();
      const key = fresh();
      await h.limiter.hit(key);
      await h.advance(windowMs / 2);
      assert.equal(await allowedOf(h.limiter, key, 10), CONTRACT_LIMIT - 1, 'the rest of the limit, then refusals');
      const refused = await h.limiter.hit(key);
      assert.ok(!refused.allowed && refused.retryAfterMs <= windowMs / 2 + 50, JSON.stringify(refused));
      await h.advance(windowMs / 2 + 100);
      assert.equal(await allowedOf(h.limiter, key, CONTRACT_LIMIT), CONTRACT_LIMIT, 'a new window counts from one');
      assert.equal((await h.limiter.hit(key)).allowed, false);
    });

    it('keys never share a count', async () => {
      const { limiter } = await harness();
      const [a, b] = [fresh(), fresh()];
      await allowedOf(limiter, a, CONTRACT_LIMIT + 3);
      assert.equal((await limiter.hit(a)).allowed, false);
      assert.equal(await allowedOf(limiter, b, CONTRACT_LIMIT), CONTRACT_LIMIT);
    });

    it('concurrent requests are counted exactly: of twice the limit at once, the limit passes', async () => {
      const { limiter } = await harness();
      const key = fresh();
      const verdicts = await Promise.all(Array.from({ length: 2 * CONTRACT_LIMIT }, () => limiter.hit(key)));
      assert.equal(verdicts.filter((v) => v.allowed).length, CONTRACT_LIMIT);
    });
  });
}

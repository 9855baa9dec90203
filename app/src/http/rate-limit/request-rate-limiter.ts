/**
 * A request-rate limiter: every request is counted per key (a client address, with the route) in
 * a fixed window that starts with the key's first request; once the count passes the limit, the
 * key is refused until its window ends. Unlike the password-attempt limiter, which counts
 * failures only, this one counts everything, so it bounds how fast a client can make gatehouse
 * do work and write state. The memory and the Redis limiter pass one contract suite
 * (request-rate-limiter.contract.ts).
 */

/** The limit: `limit` requests per key in each window of `windowMs`. */
export interface RateLimits {
  readonly limit: number;
  readonly windowMs: number;
}

/** The answer for one request. */
export type RateVerdict =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      /** Until the key's window ends; more than 0. */
      readonly retryAfterMs: number;
    };

/** Counts requests; a Redis limiter rejects with StoreUnavailableError when Redis cannot answer. */
export interface RequestRateLimiter {
  /** Counts one request for `key` and says whether it is within the limit. */
  hit(key: string): Promise<RateVerdict>;
}

/** The verdict of an allowed request, shared so that the common answer allocates nothing. */
export const ALLOWED: RateVerdict = Object.freeze({ allowed: true });

/** The whole seconds a Retry-After header names for `ms`: at least 1 (RFC 9110 §10.2.3). */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * The process's limits on browser sign-in: the request-rate limiter of /oauth2/start and
 * /oauth2/callback, and, with a Redis store, the index that bounds the sign-ins in progress there
 * (the memory store bounds its own). With a Redis store both live in its Redis, on one connection
 * of their own, so every replica counts together; otherwise in this process's memory.
 */
import type { Config } from '../config/config.ts';
import { createMemoryRequestRateLimiter } from '../http/rate-limit/memory-request-rate-limiter.ts';
import { openRedisLink } from '../session/redis-link.ts';
import { createRedisRequestRateLimiter } from '../http/rate-limit/redis-request-rate-limiter.ts';
import type { RequestRateLimiter } from '../http/rate-limit/request-rate-limiter.ts';
import type { Logger } from '../observability/logger.ts';
import type { PendingSignIns } from './login-state.ts';
import { createRedisPendingSignIns } from './redis-pending-sign-ins.ts';

/** The sign-in limits' parts. */
export interface SignInLimits {
  /** Counts requests per route and client address (GATEHOUSE_SIGNIN_RATE_LIMIT). */
  readonly rate: RequestRateLimiter;
  /** Set with a Redis store: keeps the sign-ins in progress there to GATEHOUSE_MAX_PENDING_SIGNINS. */
  readonly pending: PendingSignIns | undefined;
  /** Releases the Redis connection, if any. */
  close(): Promise<void>;
}

/** Creates the limits; without browser sign-in, an idle memory limiter that opens no connection. */
export function createSignInLimits(config: Config, logger: Logger, now: () => number = Date.now): SignInLimits {
  const limits = config.signInLimits;
  const trust = config.proxies.trust;
  if (config.login && trust.sources.length === 0 && trust.secret === undefined) {
    logger.warn(
      { limit: limits.rate.limit, windowMs: limits.rate.windowMs },
      'no trusted proxy is configured (GATEHOUSE_TRUSTED_PROXY_SOURCES): sign-in requests are limited per connection peer, so every browser behind one proxy shares one count',
    );
  }
  if (config.login && config.sessionStore === 'redis' && config.redis) {
    const link = openRedisLink(config.redis);
    return {
      rate: createRedisRequestRateLimiter(link, 'signin', limits.rate),
      pending: createRedisPendingSignIns(link, { max: limits.maxPending, timeoutMs: config.session.loginTimeoutMs, now }),
      close: () => link.close(),
    };
  }
  return { rate: createMemoryRequestRateLimiter({ limits: limits.rate, now }), pending: undefined, close: async () => {} };
}

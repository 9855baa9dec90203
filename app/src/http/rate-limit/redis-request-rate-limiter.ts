/**
 * The request-rate limiter every replica shares, in the session store's Redis: one counter key
 * per key under `<prefix>rate:<name>:`, expiring with its window. One script per request counts
 * and reads the time left in one round trip; it touches one key, so it runs unchanged on a
 * cluster. A Redis that cannot be reached rejects with StoreUnavailableError: the caller answers
 * 503, never an unlimited request.
 */
import type { RedisLink } from '../../session/redis-link.ts';
import { ALLOWED, type RateLimits, type RequestRateLimiter } from './request-rate-limiter.ts';

// The window starts with the key's first request and is never extended by later ones; a counter
// without expiry (written by hand) is given one, so it can never refuse forever.
const COUNT_REQUEST = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

interface RateScripts {
  countRequest(key: string, windowMs: number): Promise<[number, number]>;
}

/**
 * Creates a limiter on `link`; the link's owner closes it.
 * @param name - tells this limiter's keys from other limiters' (e.g. `signin`)
 */
export function createRedisRequestRateLimiter(link: RedisLink, name: string, limits: RateLimits): RequestRateLimiter {
  const { client, guard } = link;
  if (!('countRequest' in client)) client.defineCommand('countRequest', { numberOfKeys: 1, lua: COUNT_REQUEST });
  // defineCommand adds a method that ioredis's types cannot know about.
  const scripts = client as unknown as RateScripts;
  const prefix = `${link.keyPrefix}rate:${name}:`;
  return {
    async hit(key) {
      const [count, ttl] = await guard.run('rateCount', () => scripts.countRequest(prefix + key, limits.windowMs));
      return count <= limits.limit ? ALLOWED : { allowed: false, retryAfterMs: Math.max(1, ttl) };
    },
  };
}

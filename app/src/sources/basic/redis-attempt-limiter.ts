/**
 * The attempt limiter every replica shares, in the session store's Redis: one counter key per
 * login and per client address under the configured key prefix, each expiring with its window.
 * Every command touches one key, so it runs unchanged on a cluster; a Redis that cannot be
 * reached rejects with StoreUnavailableError and the check answers 503, never an unlimited try.
 */
import type { RedisConfig } from '../../config/config.ts';
import { openRedisLink } from '../../session/redis-link.ts';
import { longer, type AttemptKeys, type AttemptLimiter, type AttemptLimits, type AttemptScope, type Blocked } from './attempt-limiter.ts';

// The count and the milliseconds left, in one round trip; a counter without expiry (written by
// hand) is treated as expiring now, so it can never block forever.
const READ_COUNTER = `
local count = redis.call('GET', KEYS[1])
if not count then return {0, 0} end
return {tonumber(count), redis.call('PTTL', KEYS[1])}
`;

// The window starts with the first failure; later failures never extend it.
const COUNT_FAILURE = `
local count = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count
`;

interface LimiterScripts {
  readCounter(key: string): Promise<[number, number]>;
  countFailure(key: string, windowMs: number): Promise<number>;
}

/** Creates the limiter on its own connection to the session store's Redis. */
export function createRedisAttemptLimiter(redis: RedisConfig, limits: AttemptLimits): AttemptLimiter {
  const { client, guard, close } = openRedisLink(redis);
  client.defineCommand('readCounter', { numberOfKeys: 1, lua: READ_COUNTER });
  client.defineCommand('countFailure', { numberOfKeys: 1, lua: COUNT_FAILURE });
  // defineCommand adds methods that ioredis's types cannot know about.
  const scripts = client as unknown as LimiterScripts;
  const keyOf = (scope: AttemptScope, id: string): string => `${redis.keyPrefix}basic-failures:${scope}:${id}`;

  const blockOf = async (scope: AttemptScope, id: string | undefined, limit: number): Promise<Blocked | undefined> => {
    if (id === undefined) return undefined;
    const [count, ttl] = await guard.run('limiterRead', () => scripts.readCounter(keyOf(scope, id)));
    return count >= limit && ttl > 0 ? { scope, retryAfterMs: ttl } : undefined;
  };

  return {
    async blocked(keys: AttemptKeys) {
      const [user, client] = await Promise.all([blockOf('user', keys.user, limits.perUser), blockOf('client', keys.client, limits.perClient)]);
      return longer(user, client);
    },
    async failed(keys) {
      const counting = [guard.run('limiterCount', () => scripts.countFailure(keyOf('user', keys.user), limits.windowMs))];
      const clientId = keys.client;
      if (clientId !== undefined) counting.push(guard.run('limiterCount', () => scripts.countFailure(keyOf('client', clientId), limits.windowMs)));
      await Promise.all(counting);
    },
    async succeeded(keys) {
      await guard.run('limiterReset', () => client.del(keyOf('user', keys.user)));
    },
    close,
  };
}

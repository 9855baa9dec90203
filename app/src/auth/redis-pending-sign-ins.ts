/**
 * The bound on sign-ins in progress when the session store is Redis. Each sign-in's one-time
 * marker is a key of its own that expires with GATEHOUSE_LOGIN_TIMEOUT; this index, one sorted
 * set of the states by expiry, keeps their number at GATEHOUSE_MAX_PENDING_SIGNINS: adding a
 * state beyond it pops the oldest, whose markers the caller deletes. One script, one key, so it
 * runs unchanged on a cluster; the set itself expires when no sign-in has started for a timeout.
 */
import type { RedisLink } from '../session/redis-link.ts';
import type { PendingSignIns } from './login-state.ts';

// ARGV: now, the new state's expiry, the state, the bound, the login timeout.
const ADD_PENDING = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
if over <= 0 then return {} end
local popped = redis.call('ZPOPMIN', KEYS[1], over)
local dropped = {}
for i = 1, #popped, 2 do dropped[#dropped + 1] = popped[i] end
return dropped
`;

interface PendingScripts {
  addPending(key: string, now: number, expiresAt: number, state: string, max: number, timeoutMs: number): Promise<string[]>;
}

/** Options of {@link createRedisPendingSignIns}. */
export interface RedisPendingOptions {
  /** GATEHOUSE_MAX_PENDING_SIGNINS. */
  readonly max: number;
  /** GATEHOUSE_LOGIN_TIMEOUT, the markers' lifetime. */
  readonly timeoutMs: number;
  readonly now: () => number;
}

/** Creates the index on `link`; the link's owner closes it. */
export function createRedisPendingSignIns(link: RedisLink, options: RedisPendingOptions): PendingSignIns {
  const { client, guard } = link;
  if (!('addPending' in client)) client.defineCommand('addPending', { numberOfKeys: 1, lua: ADD_PENDING });
  // defineCommand adds a method that ioredis's types cannot know about.
  const scripts = client as unknown as PendingScripts;
  const key = `${link.keyPrefix}pending-sign-ins`;
  return {
    add: (state, expiresAt) =>
      guard.run('pendingAdd', () => scripts.addPending(key, options.now(), expiresAt, state, options.max, Math.ceil(options.timeoutMs))),
    async settle(state) {
      await guard.run('pendingSettle', () => client.zrem(key, state));
    },
  };
}

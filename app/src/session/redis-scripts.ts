/**
 * The Lua scripts of the Redis store. Each touches exactly one key, so they run unchanged on a
 * cluster, and each does in one round trip what would otherwise race between replicas.
 */
import type { RedisClient } from './redis-client.ts';

/** The store's scripts as commands on the client (ioredis sends EVALSHA, EVAL when not loaded). */
export interface StoreScripts {
  /** Writes a session hash (sealed data and its tag) with its expiry. */
  sessionSet(key: string, data: string, tag: string, expiresAt: number, ttlMs: number): Promise<unknown>;
  /** Adds a member to a set and extends the set's expiry to at least `ttlMs`. */
  indexAdd(key: string, member: string, ttlMs: number): Promise<unknown>;
  /** Removes a set and returns its members. */
  indexTake(key: string): Promise<string[]>;
  /** Deletes a lock when it still holds `token`. */
  lockRelease(key: string, token: string): Promise<unknown>;
}

// The session hash keeps the absolute expiry in clear text next to the sealed record so that a
// read can cap the idle expiry without decrypting anything, and a tag naming this write so that a
// replica holding this version is answered without the record (redis-session-read.ts).

const SESSION_SET = `
local ttl = math.floor(tonumber(ARGV[4]))
if ttl < 1 then
  redis.call('DEL', KEYS[1])
  return 0
end
redis.call('HSET', KEYS[1], 'data', ARGV[1], 'tag', ARGV[2], 'expiresAt', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl)
return 1
`;

const INDEX_ADD = `
redis.call('SADD', KEYS[1], ARGV[1])
local ttl = math.floor(tonumber(ARGV[2]))
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`;

const INDEX_TAKE = `
local members = redis.call('SMEMBERS', KEYS[1])
redis.call('DEL', KEYS[1])
return members
`;

const LOCK_RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Registers the scripts on `client` and returns them as typed commands. */
export function defineStoreScripts(client: RedisClient): StoreScripts {
  client.defineCommand('sessionSet', { numberOfKeys: 1, lua: SESSION_SET });
  client.defineCommand('indexAdd', { numberOfKeys: 1, lua: INDEX_ADD });
  client.defineCommand('indexTake', { numberOfKeys: 1, lua: INDEX_TAKE });
  client.defineCommand('lockRelease', { numberOfKeys: 1, lua: LOCK_RELEASE });
  // defineCommand adds methods that ioredis's types cannot know about.
  return client as unknown as StoreScripts;
}

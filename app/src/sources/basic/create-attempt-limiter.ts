/**
 * The process's one attempt limiter, shared by the password sources: in the session store's
 * Redis when sessions live there (every replica counts together), otherwise in memory.
 */
import type { Config } from '../../config/config.ts';
import type { AttemptLimiter } from './attempt-limiter.ts';
import { createMemoryAttemptLimiter } from './memory-attempt-limiter.ts';
import { createRedisAttemptLimiter } from './redis-attempt-limiter.ts';

/** Creates the limiter; without a password source it is an idle memory one that opens no connection. */
export function createAttemptLimiter(config: Config, now: () => number = Date.now): AttemptLimiter {
  const limits = config.basic.limits;
  const usesPasswords = config.identitySources.includes('ldap') || config.identitySources.includes('htpasswd');
  if (usesPasswords && config.sessionStore === 'redis' && config.redis) return createRedisAttemptLimiter(config.redis, limits);
  return createMemoryAttemptLimiter({ limits, now });
}

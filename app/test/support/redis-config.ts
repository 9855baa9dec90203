/** RedisConfig values for tests that run the Redis store against a local redis-server. */
import { randomBytes } from 'node:crypto';
import type { RedisConfig } from '../../src/config/config.ts';

/** A standalone config for `url` with a fresh key prefix, so tests sharing a server never meet. */
export function redisTestConfig(url: string | URL, overrides: Partial<RedisConfig> = {}): RedisConfig {
  const parsed = new URL(url);
  return {
    mode: 'standalone',
    url: parsed,
    username: undefined,
    password: undefined,
    tls: parsed.protocol === 'rediss:',
    sentinels: [],
    sentinelMaster: undefined,
    clusterNodes: [],
    keyPrefix: `t${randomBytes(4).toString('hex')}:`,
    timeoutMs: 500,
    localTtlMs: 1000,
    ...overrides,
  };
}

/** `url` with credentials (URL-encoded) and, when given, a database number. */
export function urlWith(url: string, credentials: { user?: string; password?: string }, db?: number): string {
  const parsed = new URL(url);
  if (credentials.user !== undefined) parsed.username = encodeURIComponent(credentials.user);
  if (credentials.password !== undefined) parsed.password = encodeURIComponent(credentials.password);
  if (db !== undefined) parsed.pathname = `/${db}`;
  return parsed.href;
}

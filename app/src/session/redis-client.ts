/**
 * Builds the ioredis client for the configured Redis topology, tuned to fail fast and heal by
 * itself: a command is never queued while disconnected and never waits longer than the
 * configured timeout, while reconnection goes on in the background forever.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisConfig } from '../config/config.ts';

/** The client the store talks to: one connection, a Sentinel-managed master, or a cluster. */
export type RedisClient = Redis | Cluster;

/** Reconnection delays never exceed this, so a recovered Redis is used again within seconds. */
const MAX_RECONNECT_DELAY_MS = 2000;

/**
 * Exponential backoff from 50 ms, capped, with jitter so that replicas do not reconnect in step.
 * Always a number: returning anything else would make ioredis give up for good.
 */
function reconnectDelay(attempt: number): number {
  const base = 50 * 2 ** Math.min(Math.max(attempt - 1, 0), 6);
  return Math.min(base + Math.floor(Math.random() * 100), MAX_RECONNECT_DELAY_MS);
}

/** The credentials and database of a standalone URL, with the separate settings as fallback. */
interface StandaloneTarget {
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
}

/** Reads a redis:// or rediss:// URL that the config has already validated. */
function standaloneTarget(url: URL, redis: RedisConfig): StandaloneTarget {
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  // redis://secret@host carries a password alone, as redis-cli and ioredis read it.
  const username = pass === '' ? undefined : user || undefined;
  const password = pass !== '' ? pass : user !== '' ? user : undefined;
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    // URL keeps the brackets of an IPv6 literal; the socket wants the bare address.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? 6379 : Number(url.port),
    db: Number.isInteger(db) ? db : 0,
    username: username ?? redis.username,
    password: password ?? redis.password,
  };
}

/** The secrets that must never appear in a message: the password, also as written in a URL. */
export function redisSecrets(redis: RedisConfig): string[] {
  const secrets = [redis.password];
  if (redis.url && redis.url.password !== '') secrets.push(redis.url.password, decodeURIComponent(redis.url.password));
  if (redis.url && redis.url.password === '' && redis.url.username !== '') secrets.push(redis.url.username);
  return secrets.filter((secret): secret is string => secret !== undefined && secret.length > 0);
}

/** Options for every connection, including each node of a cluster. */
function connectionOptions(redis: RedisConfig): RedisOptions {
  return {
    connectionName: 'gatehouse',
    // A command in flight when the connection drops is failed, not replayed on the next connection.
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    // Long enough for TCP, TLS and AUTH over a slow link, short enough to notice a black hole.
    connectTimeout: Math.max(1000, 4 * redis.timeoutMs),
    // A socket being dropped is destroyed soon, rather than holding the process for seconds.
    disconnectTimeout: redis.timeoutMs,
    ...(redis.tls ? { tls: {} } : {}),
  };
}

// A disconnected store answers at once instead of queueing requests that would time out later.
// Auto-pipelining sends the commands of concurrent checks issued in one tick as one write.
const NO_OFFLINE_QUEUE = { enableOfflineQueue: false, enableAutoPipelining: true } as const;

/** Creates the client for `redis`; it starts connecting at once. */
export function createRedisClient(redis: RedisConfig): RedisClient {
  const common = connectionOptions(redis);
  switch (redis.mode) {
    case 'standalone': {
      if (!redis.url) throw new Error('standalone Redis needs a URL');
      const target = standaloneTarget(redis.url, redis);
      return new Redis({ ...common, ...NO_OFFLINE_QUEUE, ...target, retryStrategy: reconnectDelay });
    }
    case 'sentinel':
      return new Redis({
        ...common,
        ...NO_OFFLINE_QUEUE,
        sentinels: redis.sentinels.map(({ host, port }) => ({ host, port })),
        name: redis.sentinelMaster ?? '',
        username: redis.username,
        password: redis.password,
        // Sentinels usually share the master's password but not its ACL users.
        sentinelPassword: redis.password,
        // ioredis names them oddly: the first puts the master found through Sentinel on TLS, the second the sentinels.
        ...(redis.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
        sentinelCommandTimeout: common.connectTimeout,
        sentinelRetryStrategy: reconnectDelay,
        retryStrategy: reconnectDelay,
      });
    case 'cluster': {
      const options: ClusterOptions = {
        ...NO_OFFLINE_QUEUE,
        clusterRetryStrategy: reconnectDelay,
        // A restarted node that kept its slots is reconnected without waiting for a MOVED.
        clusterNodeRetryStrategy: reconnectDelay,
        slotsRefreshTimeout: common.connectTimeout,
        redisOptions: { ...common, username: redis.username, password: redis.password },
      };
      return new Cluster(
        redis.clusterNodes.map(({ host, port }) => ({ host, port })),
        options,
      );
    }
    default:
      throw new Error(`unknown Redis mode ${String(redis.mode)}`);
  }
}

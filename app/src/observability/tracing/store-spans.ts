/**
 * A client span per Redis operation of the session store (get, set, takeOnce, lock, …), around the
 * store's own guarded call rather than inside ioredis: one span per round trip gatehouse asked
 * for, none for a session answered from the replica's local copy. Keys (they name session ids) and
 * values (sealed sessions) are never recorded.
 * @see https://opentelemetry.io/docs/specs/semconv/database/redis/
 */
import { SpanKind, SpanStatusCode, type Attributes, type Tracer } from '@opentelemetry/api';
import { ATTR_DB_NAMESPACE, ATTR_DB_SYSTEM_NAME, ATTR_ERROR_TYPE, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions';
import type { RedisConfig } from '../../config/config.ts';
import type { TraceOperation } from './tracing.ts';

/** The store operation, as gatehouse names it (the Redis commands behind it vary: GET, EVALSHA, …). */
export const ATTR_STORE_OPERATION = 'gatehouse.store.operation';

/** Where a standalone Redis is; Sentinel and Cluster pick their node per command, so name none. */
function redisAttributes(redis: RedisConfig): Attributes {
  const attributes: Attributes = { [ATTR_DB_SYSTEM_NAME]: 'redis' };
  if (redis.mode !== 'standalone' || redis.url === undefined) return attributes;
  const db = redis.url.pathname.length > 1 ? redis.url.pathname.slice(1) : '0';
  return {
    ...attributes,
    [ATTR_SERVER_ADDRESS]: redis.url.hostname.replace(/^\[(.*)\]$/, '$1'),
    [ATTR_SERVER_PORT]: redis.url.port === '' ? 6379 : Number(redis.url.port),
    [ATTR_DB_NAMESPACE]: db,
  };
}

/** The wrapper of the session store's Redis operations. */
export function createStoreSpans(tracer: Tracer, redis: RedisConfig): TraceOperation {
  const fixed = redisAttributes(redis);
  const names = new Map<string, string>();
  return (operation, run) => {
    let name = names.get(operation);
    if (name === undefined) names.set(operation, (name = `redis ${operation}`));
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT });
    if (!span.isRecording()) return run();
    span.setAttributes({ ...fixed, [ATTR_STORE_OPERATION]: operation });
    return run().then(
      (value) => {
        span.end();
        return value;
      },
      (err: unknown) => {
        // StoreUnavailableError: Redis unreachable, too slow, or refusing.
        span.setAttribute(ATTR_ERROR_TYPE, err instanceof Error ? err.name : 'Error');
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        throw err;
      },
    );
  };
}

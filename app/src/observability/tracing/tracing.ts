/**
 * The seam between gatehouse and OpenTelemetry. With tracing off (the default) `startTracing`
 * answers undefined without loading any part of the SDK, and every place that could trace keeps its
 * plain code path: the check handlers, the Express pages, the dispatchers and the Redis store are
 * wrapped once at start-up, or not at all, so a check pays nothing per request for tracing it does
 * not do. With OTEL_TRACES_EXPORTER=otlp the SDK is imported here, once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Dispatcher } from 'undici';
import type { RedisConfig } from '../../config/config.ts';
import type { TracingSettings } from '../../config/validate-tracing.ts';
import type { ProxyAdapter } from '../../proxies/proxy-adapter.ts';

/** Where an outbound call goes; the `gatehouse.outbound.target` of its span. */
export type OutboundTarget = 'provider' | 'issuer' | 'elasticsearch' | 'kubernetes' | 'upstream';

/** A request listener of the main port. */
export type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Runs one operation of a store inside a span of its own. */
export type TraceOperation = <T>(operation: string, run: () => Promise<T>) => Promise<T>;

/** One check endpoint's tracing: a server span per check, told the outcome by the adapter. */
export interface CheckTracing {
  /** The adapter, putting the decision on the check's span before it answers. */
  readonly adapter: ProxyAdapter;
  /** `handler` inside a server span whose parent is the request's traceparent, if any. */
  wrap(handler: Listener): Listener;
}

/** Tracing while it is on. */
export interface Tracing {
  /** The tracing of checks through `adapter`. */
  check(adapter: ProxyAdapter): CheckTracing;
  /** Express middleware: a server span per page request (sign-in, callback, sign-out, …). */
  readonly pages: RequestHandler;
  /** `dispatcher` with a client span per request and the trace context in its headers. */
  outbound<D extends Dispatcher>(dispatcher: D, target: OutboundTarget): D;
  /** Wraps each Redis operation of the session store in a client span. */
  storeOperations(redis: RedisConfig): TraceOperation;
  /** Exports what is left and stops; nothing is traced after it. */
  close(): Promise<void>;
}

/** What tracing writes its own problems to (an export that failed). */
export interface TracingLog {
  warn(fields: object, message: string): void;
}

/**
 * Starts tracing when `settings` is set.
 * @returns undefined when tracing is off: the SDK is then never loaded
 */
export async function startTracing(settings: TracingSettings | undefined, log: TracingLog): Promise<Tracing | undefined> {
  if (settings === undefined) return undefined;
  const { createTracing } = await import('./create-tracing.ts');
  return createTracing(settings, log);
}

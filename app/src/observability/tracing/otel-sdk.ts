/**
 * OpenTelemetry's trace SDK, set up from the frozen Config rather than from the environment: the
 * OTLP/HTTP protobuf exporter behind a batch processor, the sampler, the resource, the W3C Trace
 * Context propagator and the AsyncLocalStorage context manager (so that a span stays the parent of
 * the calls made across awaits). Loaded only when tracing is on. Export failures are logged at most
 * once a minute, by message only.
 */
import { context, diag, DiagLogLevel, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { setGlobalErrorHandler, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import type { TracingSettings } from '../../config/validate-tracing.ts';
import type { TracingLog } from './tracing.ts';

/** The SDK in use: gatehouse's tracer, and how to stop it. */
export interface OtelSdk {
  readonly tracer: Tracer;
  /** Exports the spans still queued, then stops. */
  shutdown(): Promise<void>;
}

const LOG_EVERY_MS = 60_000;

function samplerOf(settings: TracingSettings): Sampler {
  switch (settings.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(settings.ratio);
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(settings.ratio) });
  }
}

/** A log of the SDK's own failures that says something at most once a minute. */
function throttled(log: TracingLog): (message: string) => void {
  let lastAt = -Infinity;
  let skipped = 0;
  return (message) => {
    const now = performance.now();
    if (now - lastAt < LOG_EVERY_MS) {
      skipped++;
      return;
    }
    lastAt = now;
    log.warn({ error: message.slice(0, 256), ...(skipped > 0 && { alsoFailedSinceLastLine: skipped }) }, 'trace export failed');
    skipped = 0;
  };
}

/**
 * Starts the SDK and registers it as OpenTelemetry's global tracer provider, context manager and
 * propagator (once per process).
 */
export function startOtelSdk(settings: TracingSettings, log: TracingLog): OtelSdk {
  const report = throttled(log);
  setGlobalErrorHandler((error) => report(error instanceof Error ? error.message : String(error)));
  // Only errors: the exporter's warnings can quote a malformed OTEL_EXPORTER_OTLP_HEADERS value.
  diag.setLogger({ error: (message) => report(message), warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.ERROR);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes(settings.resource)),
    sampler: samplerOf(settings),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: settings.endpoint.href }), scheduledDelayMillis: settings.scheduleDelayMs })],
  });
  trace.setGlobalTracerProvider(provider);
  return {
    tracer: provider.getTracer('gatehouse'),
    shutdown: () => provider.shutdown(),
  };
}

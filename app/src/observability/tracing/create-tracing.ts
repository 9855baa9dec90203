/**
 * Tracing while it is on: the SDK started once, and the pieces that the check handlers, the pages,
 * the dispatchers and the session store are wrapped with. Imported by tracing.ts only when
 * OTEL_TRACES_EXPORTER=otlp, and with it the whole SDK.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TracingSettings } from '../../config/validate-tracing.ts';
import { createCheckTracing } from './check-spans.ts';
import { startOtelSdk } from './otel-sdk.ts';
import { outboundInterceptor } from './outbound-spans.ts';
import { createPageSpans } from './page-spans.ts';
import { createStoreSpans } from './store-spans.ts';
import type { Tracing, TracingLog } from './tracing.ts';

/** How long stopping waits for the last spans to be exported. */
const CLOSE_TIMEOUT_MS = 3000;

/** Starts the SDK and returns gatehouse's tracing. */
export function createTracing(settings: TracingSettings, log: TracingLog): Tracing {
  const sdk = startOtelSdk(settings, log);
  const { tracer } = sdk;
  let closing: Promise<void> | undefined;
  return {
    check: (adapter) => createCheckTracing(tracer, adapter, settings.recordUser),
    pages: createPageSpans(tracer),
    // compose() answers a proxy of the dispatcher with only its dispatch replaced: still a D.
    outbound: (dispatcher, target) => dispatcher.compose(outboundInterceptor(tracer, target)) as unknown as typeof dispatcher,
    storeOperations: (redis) => createStoreSpans(tracer, redis),
    // Bounded: a receiver that does not answer must not hold up the pod's termination.
    close: () =>
      (closing ??= Promise.race([sdk.shutdown(), sleep(CLOSE_TIMEOUT_MS, undefined, { ref: false })]).catch((err: unknown) => {
        log.warn({ error: (err as Error)?.message }, 'tracing shutdown failed');
      })),
  };
}

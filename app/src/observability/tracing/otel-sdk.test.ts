/**
 * The SDK as gatehouse starts it, against a receiver that is not there: spans are made and their
 * export fails, which is logged once and then at most once a minute, while the spans keep coming;
 * stopping does not wait for the receiver.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { trace } from '@opentelemetry/api';
import type { TracingSettings } from '../../config/validate-tracing.ts';
import { createTracing } from './create-tracing.ts';

// Read by the exporter itself, as OpenTelemetry documents: give up on the absent receiver after 1 s.
process.env['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT'] = '1000';

const SETTINGS: TracingSettings = {
  endpoint: new URL('http://127.0.0.1:1/v1/traces'),
  resource: { 'service.name': 'gatehouse-test' },
  sampler: 'always_on',
  ratio: 1,
  scheduleDelayMs: 20,
  recordUser: false,
};

describe('the OpenTelemetry SDK as gatehouse starts it', () => {
  it('logs a failed export once a minute at most, and stops in bounded time', async () => {
    const lines: { fields: Record<string, unknown>; message: string }[] = [];
    const tracing = createTracing(SETTINGS, { warn: (fields, message) => lines.push({ fields: fields as Record<string, unknown>, message }) });
    const tracer = trace.getTracer('test');
    tracer.startSpan('first').end();
    for (let i = 0; i < 300 && lines.length === 0; i++) await sleep(50);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.message, 'trace export failed');
    assert.equal(typeof lines[0]?.fields['error'], 'string');
    for (let i = 0; i < 5; i++) {
      tracer.startSpan(`more ${i}`).end();
      await sleep(100);
    }
    assert.equal(lines.length, 1, 'later failures within the minute are only counted');
    assert.ok(trace.getActiveSpan() === undefined);
    const started = performance.now();
    await tracing.close();
    assert.ok(performance.now() - started < 5000);
  });
});

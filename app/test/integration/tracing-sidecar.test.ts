/**
 * Tracing in sidecar mode: the check continues the client's trace, the request to the app is a
 * client span under it, and the app receives that span's traceparent instead of the client's, so
 * the app's own spans hang under gatehouse's. gatehouse runs in-process (this file's process
 * registers the SDK once) against a real OpenID Provider, a real app and an OTLP/HTTP receiver.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { httpRequest } from '../../../e2e/support/http-client.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.ts';
import { startSidecarHarness, type SidecarHarness } from '../support/sidecar-harness.ts';

describe('tracing in sidecar mode', () => {
  let receiver: OtlpReceiver;
  let s: SidecarHarness;
  let cookie: string;
  before(async () => {
    receiver = await startOtlpReceiver();
    s = await startSidecarHarness('', { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '100' });
    cookie = await s.h.signIn('alice');
  });
  after(async () => {
    await s?.stop();
    await receiver?.close();
  });

  it("hands the app the trace context of gatehouse's own span, not the client's", async () => {
    const traceId = randomBytes(16).toString('hex');
    const clientSpan = randomBytes(8).toString('hex');
    const answer = await httpRequest(`http://127.0.0.1:${s.port}/reports?q=secret-query`, {
      headers: { cookie, accept: 'application/json', traceparent: `00-${traceId}-${clientSpan}-01` },
    });
    assert.equal(answer.status, 200);
    const seen = (JSON.parse(answer.body) as { headers: Record<string, string> }).headers.traceparent ?? '';
    const [, seenTrace, seenParent] = seen.split('-');
    assert.equal(seenTrace, traceId);
    assert.notEqual(seenParent, clientSpan);

    const check = await receiver.waitFor((spans) => spans.find((span) => span.traceId === traceId && span.kind === 2));
    assert.equal(check.name, 'GET');
    assert.equal(check.parentSpanId, clientSpan);
    assert.equal(check.attributes['gatehouse.check.endpoint'], 'sidecar');
    assert.equal(check.attributes['url.path'], '/reports');
    assert.equal(check.attributes['gatehouse.decision.result'], 'allow');
    const upstream = await receiver.waitFor((spans) => spans.find((span) => span.traceId === traceId && span.attributes['gatehouse.outbound.target'] === 'upstream'));
    assert.equal(upstream.spanId, seenParent);
    assert.equal(upstream.parentSpanId, check.spanId);
    assert.equal(upstream.name, 'GET');
    assert.equal(upstream.attributes['url.path'], '/reports');
    assert.equal(upstream.attributes['http.response.status_code'], 200);
  });
});

/**
 * The chart's tracing values: nothing of OpenTelemetry by default; with tracing.enabled, the
 * standard OTEL_* variables in the ConfigMap, which gatehouse reads as the chart meant, and a pod
 * rendered that way exporting the span of a check to an OTLP/HTTP receiver.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../app/src/config/load-config.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../../app/test/support/otlp-receiver.ts';
import { startGatehouse, type GatehouseProcess } from '../stack/gatehouse-process.ts';
import { httpRequest } from '../support/http-client.ts';
import { freePorts } from '../support/ports.ts';
import { renderChart, templateChart } from './support/helm.ts';
import { only, parseManifests, type Manifest } from './support/manifests.ts';
import { renderedGatehouseEnv } from './support/rendered-pod.ts';

const MINIMAL = 'chart/ci/default-values.yaml';
const render = async (values: Record<string, unknown> = {}): Promise<Manifest[]> => parseManifests(await renderChart({ valuesFiles: [MINIMAL], values }));
const settings = (manifests: Manifest[]): Record<string, string> => only(manifests, 'ConfigMap')['data'] as Record<string, string>;

describe('chart: tracing', () => {
  let receiver: OtlpReceiver | undefined;
  let gatehouse: GatehouseProcess | undefined;
  after(async () => {
    await gatehouse?.stop();
    await receiver?.close();
  });

  it('renders no OTEL_* variable by default, so gatehouse traces nothing', async () => {
    const manifests = await render();
    assert.deepEqual(Object.keys(settings(manifests)).filter((name) => name.startsWith('OTEL_') || name.startsWith('GATEHOUSE_TRACING')), []);
    assert.equal(loadConfig(renderedGatehouseEnv(manifests)).tracing, undefined);
  });

  it('turns the values into the OTEL_* variables gatehouse reads', async () => {
    const manifests = await render({ tracing: { enabled: true, endpoint: 'http://otel-collector.observability.svc:4318', sampler: 'parentbased_traceidratio', samplerRatio: 0.25 } });
    assert.equal(settings(manifests)['OTEL_TRACES_EXPORTER'], 'otlp');
    const tracing = loadConfig(renderedGatehouseEnv(manifests)).tracing;
    assert.equal(tracing?.endpoint.href, 'http://otel-collector.observability.svc:4318/v1/traces');
    assert.equal(tracing?.sampler, 'parentbased_traceidratio');
    assert.equal(tracing?.ratio, 0.25);
    assert.equal(tracing?.recordUser, false);
    assert.equal(tracing?.resource['service.name'], 'gh-gatehouse');
    assert.equal(tracing?.resource['k8s.namespace.name'], 'auth');
    assert.match(String(tracing?.resource['service.version']), /^\d+\.\d+\.\d+/);
  });

  it('refuses tracing without an endpoint, and a sampler OpenTelemetry does not define', async () => {
    const noEndpoint = await templateChart({ valuesFiles: [MINIMAL], values: { tracing: { enabled: true } } });
    assert.notEqual(noEndpoint.code, 0);
    assert.match(noEndpoint.stderr, /tracing\.enabled needs tracing\.endpoint/);
    const badSampler = await templateChart({ valuesFiles: [MINIMAL], values: { tracing: { enabled: true, endpoint: 'http://c:4318', sampler: 'jaeger_remote' } } });
    assert.notEqual(badSampler.code, 0);
    assert.match(badSampler.stderr, /sampler/);
  });

  it('a pod rendered with tracing exports the span of a check', async () => {
    receiver = await startOtlpReceiver();
    // Trusted headers as the provider's source: it needs no OpenID Provider to become ready.
    const manifests = await render({ authProvider: 'authelia', trustedHeaders: { sources: ['127.0.0.1/32'] }, tracing: { enabled: true, endpoint: receiver.endpoint } });
    const [port = 0, metricsPort = 0] = await freePorts(2);
    const local = { GATEHOUSE_LISTEN_HOST: '127.0.0.1', GATEHOUSE_PORT: String(port), GATEHOUSE_METRICS_PORT: String(metricsPort), OTEL_BSP_SCHEDULE_DELAY: '100' };
    gatehouse = await startGatehouse({ port, metricsPort, env: { ...renderedGatehouseEnv(manifests), ...local } });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const answer = await httpRequest(`http://127.0.0.1:${port}/oauth2/auth`, {
      headers: { 'remote-user': 'robot', 'remote-groups': 'ops', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    assert.equal(answer.status, 200);
    const span = await receiver.waitFor((spans) => spans.find((s) => s.traceId === traceId));
    assert.equal(span.name, 'GET /oauth2/auth');
    assert.equal(span.parentSpanId, '00f067aa0ba902b7');
    assert.equal(span.attributes['gatehouse.identity.source'], 'trusted-headers');
    assert.equal(span.resource['service.name'], 'gh-gatehouse');
    assert.equal(span.resource['k8s.namespace.name'], 'auth');
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { problemsOf, VALID_ENV } from '../../test/support/config-env.ts';
import { loadConfig } from './load-config.ts';
import { parseResourceAttributes } from './validate-tracing.ts';

const tracingOf = (env: Record<string, string>) => loadConfig({ ...VALID_ENV, ...env }).tracing;

describe('tracing settings (OTEL_*)', () => {
  it('are off unless OTEL_TRACES_EXPORTER=otlp, and OTEL_SDK_DISABLED wins', () => {
    assert.equal(tracingOf({}), undefined);
    assert.equal(tracingOf({ OTEL_TRACES_EXPORTER: 'none' }), undefined);
    assert.equal(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }), undefined);
    assert.notEqual(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp' }), undefined);
  });

  it("with tracing off, other containers' OTEL_* values do not stop start-up", () => {
    assert.equal(tracingOf({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_TRACES_SAMPLER: 'jaeger_remote', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' }), undefined);
  });

  it('posts to <endpoint>/v1/traces, or to the traces endpoint as given', () => {
    assert.equal(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp' })?.endpoint.href, 'http://localhost:4318/v1/traces');
    assert.equal(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com:4318/' })?.endpoint.href, 'https://otel.example.com:4318/v1/traces');
    assert.equal(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://gw.example.com/otlp' })?.endpoint.href, 'http://gw.example.com/otlp/v1/traces');
    const specific = { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/custom' };
    assert.equal(tracingOf(specific)?.endpoint.href, 'http://tempo:4318/custom');
  });

  it('names the service gatehouse, or as OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say, the former winning', () => {
    assert.equal(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp' })?.resource['service.name'], 'gatehouse');
    assert.equal(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_RESOURCE_ATTRIBUTES: 'service.name=auth' })?.resource['service.name'], 'auth');
    const both = tracingOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_RESOURCE_ATTRIBUTES: 'service.name=auth,k8s.namespace.name=ns', OTEL_SERVICE_NAME: 'gh' });
    assert.deepEqual(both?.resource, { 'service.name': 'gh', 'k8s.namespace.name': 'ns' });
  });

  it('reads resource attributes percent-decoded, and names a malformed one', () => {
    const problems: string[] = [];
    assert.deepEqual(parseResourceAttributes(' a = x%2Cy , b=%E2%9C%93,, c=', problems), { a: 'x,y', b: '✓', c: '' });
    assert.deepEqual(problems, []);
    parseResourceAttributes('novalue,=x,d=%E2%9C', problems);
    assert.deepEqual(problems, [
      'OTEL_RESOURCE_ATTRIBUTES: "novalue" is not key=value',
      'OTEL_RESOURCE_ATTRIBUTES: "=x" is not key=value',
      'OTEL_RESOURCE_ATTRIBUTES: the value of d is not valid percent-encoding',
    ]);
  });

  it('builds the samplers of the specification, the ratio from OTEL_TRACES_SAMPLER_ARG', () => {
    assert.deepEqual(pick(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp' })), { sampler: 'parentbased_always_on', ratio: 1 });
    assert.deepEqual(pick(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' })), { sampler: 'traceidratio', ratio: 0.25 });
    assert.deepEqual(pick(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio' })), { sampler: 'parentbased_traceidratio', ratio: 1 });
  });

  it('refuses, when on, what an SDK would silently ignore, naming each variable', () => {
    const problems = problemsOf({
      ...VALID_ENV,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317',
      OTEL_TRACES_SAMPLER: 'jaeger_remote',
      OTEL_BSP_SCHEDULE_DELAY: '5s',
    });
    assert.deepEqual(problems, [
      'OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not supported; gatehouse sends http/protobuf to the receiver\'s OTLP/HTTP port (4318)',
      'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL: OTLP over HTTP',
      'OTEL_TRACES_SAMPLER: "jaeger_remote" is not one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio',
      'OTEL_BSP_SCHEDULE_DELAY: "5s" is not a whole number of milliseconds (at least 1)',
    ]);
    assert.deepEqual(problemsOf({ ...VALID_ENV, OTEL_TRACES_EXPORTER: 'otlp,console' }), ['OTEL_TRACES_EXPORTER: "otlp,console" is not otlp or none; gatehouse exports spans with OTLP only']);
    assert.deepEqual(problemsOf({ ...VALID_ENV, OTEL_TRACES_EXPORTER: 'otlp', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }), [
      'OTEL_TRACES_SAMPLER_ARG: "1.5" is not a ratio from 0 to 1',
    ]);
    assert.deepEqual(problemsOf({ ...VALID_ENV, OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://user:pw@tempo/v1/traces' }), [
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must not hold credentials: give them in OTEL_EXPORTER_OTLP_HEADERS',
    ]);
  });

  it('records the user only when GATEHOUSE_TRACING_RECORD_USER is on', () => {
    assert.equal(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp' })?.recordUser, false);
    assert.equal(tracingOf({ OTEL_TRACES_EXPORTER: 'otlp', GATEHOUSE_TRACING_RECORD_USER: 'true' })?.recordUser, true);
  });
});

function pick(settings: { sampler: string; ratio: number } | undefined): { sampler: string; ratio: number } | undefined {
  return settings && { sampler: settings.sampler, ratio: settings.ratio };
}

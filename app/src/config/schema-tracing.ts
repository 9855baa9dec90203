/**
 * Tracing with OpenTelemetry: the standard OTEL_* variables gatehouse reads, and its one switch of
 * its own. Tracing is off unless OTEL_TRACES_EXPORTER=otlp; then spans go to an OTLP/HTTP receiver
 * (a Collector, Tempo, Jaeger, Elastic APM) in protobuf. Values are checked only when tracing is
 * on, so OTEL_* variables a platform sets for other containers cannot stop gatehouse starting.
 */
import { bool, str } from 'envalid';

/** The envalid specification of the tracing variables. */
export const TRACING_SCHEMA = {
  OTEL_TRACES_EXPORTER: str({
    desc: 'otlp turns tracing on: a span per check, sign-in and callback, with child spans for the calls to the provider, Redis and Elasticsearch, sent to the OTLP/HTTP endpoint below. none (the default here, unlike OpenTelemetry SDKs) keeps tracing off and loads no part of the OpenTelemetry SDK',
    default: 'none',
    example: 'otlp',
  }),
  OTEL_SDK_DISABLED: bool({ desc: 'true keeps tracing off whatever OTEL_TRACES_EXPORTER says', default: false }),
  OTEL_EXPORTER_OTLP_ENDPOINT: str({
    desc: 'Base URL of the OTLP/HTTP receiver; spans are posted to <endpoint>/v1/traces',
    default: 'http://localhost:4318',
    example: 'http://otel-collector.observability.svc:4318',
  }),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: str({
    desc: 'Full URL spans are posted to, used as given; wins over OTEL_EXPORTER_OTLP_ENDPOINT',
    default: '',
    example: 'http://tempo.observability.svc:4318/v1/traces',
  }),
  OTEL_EXPORTER_OTLP_PROTOCOL: str({
    desc: 'Only http/protobuf (OTLP over HTTP, port 4318); grpc and http/json are refused when tracing is on',
    default: 'http/protobuf',
  }),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: str({ desc: 'Same as OTEL_EXPORTER_OTLP_PROTOCOL, for traces; wins over it', default: '' }),
  OTEL_SERVICE_NAME: str({ desc: 'The service.name of every span; service.name from OTEL_RESOURCE_ATTRIBUTES, or gatehouse, when empty', default: '', example: 'gatehouse' }),
  OTEL_RESOURCE_ATTRIBUTES: str({
    desc: 'More resource attributes as key=value pairs, comma-separated, values percent-encoded',
    default: '',
    example: 'deployment.environment.name=prod,k8s.namespace.name=auth',
  }),
  OTEL_TRACES_SAMPLER: str({
    desc: 'always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off or parentbased_traceidratio; the parentbased ones follow the sampled flag of an incoming traceparent',
    default: 'parentbased_always_on',
    example: 'parentbased_traceidratio',
  }),
  OTEL_TRACES_SAMPLER_ARG: str({
    desc: 'The ratio of new traces sampled by the traceidratio samplers, from 0 to 1; 1 when empty',
    default: '',
    example: '0.1',
  }),
  OTEL_BSP_SCHEDULE_DELAY: str({ desc: 'Milliseconds between two exports of finished spans; 5000 when empty', default: '', example: '5000' }),
  GATEHOUSE_TRACING_RECORD_USER: bool({
    desc: 'Put the user name on check spans as enduser.id. Off by default: spans never carry a token, cookie, password or user name otherwise',
    default: false,
  }),
};

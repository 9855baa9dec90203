/**
 * Whether tracing is on, and where spans go: OpenTelemetry's environment variables, read as its
 * specification defines them (the endpoint's /v1/traces, the samplers and their argument, resource
 * attributes in W3C Baggage form). gatehouse refuses at start-up what an SDK would silently ignore.
 * @see https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
 * @see https://opentelemetry.io/docs/specs/otel/protocol/exporter/
 */
import type { CleanedEnv } from './schema.ts';

/** The samplers of OTEL_TRACES_SAMPLER gatehouse builds. */
export const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

/** One of {@link SAMPLERS}. */
export type SamplerName = (typeof SAMPLERS)[number];

/** Tracing, when OTEL_TRACES_EXPORTER=otlp. */
export interface TracingSettings {
  /** Where spans are posted: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
  readonly endpoint: URL;
  /** The resource of every span: OTEL_RESOURCE_ATTRIBUTES, with OTEL_SERVICE_NAME as service.name. */
  readonly resource: Readonly<Record<string, string>>;
  readonly sampler: SamplerName;
  /** The ratio of the traceidratio samplers; 1 for the others. */
  readonly ratio: number;
  /** OTEL_BSP_SCHEDULE_DELAY: milliseconds between two exports. */
  readonly scheduleDelayMs: number;
  /** GATEHOUSE_TRACING_RECORD_USER: check spans carry the user name as enduser.id. */
  readonly recordUser: boolean;
}

type TracingEnv = Pick<
  CleanedEnv,
  | 'OTEL_TRACES_EXPORTER'
  | 'OTEL_SDK_DISABLED'
  | 'OTEL_EXPORTER_OTLP_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'
  | 'OTEL_EXPORTER_OTLP_PROTOCOL'
  | 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
  | 'OTEL_SERVICE_NAME'
  | 'OTEL_RESOURCE_ATTRIBUTES'
  | 'OTEL_TRACES_SAMPLER'
  | 'OTEL_TRACES_SAMPLER_ARG'
  | 'OTEL_BSP_SCHEDULE_DELAY'
  | 'GATEHOUSE_TRACING_RECORD_USER'
>;

/** An http(s) URL without credentials, or undefined with a problem naming `name`. */
function httpUrl(name: string, raw: string, problems: string[]): URL | undefined {
  if (!URL.canParse(raw)) {
    problems.push(`${name}: "${raw}" is not an absolute URL (e.g. http://otel-collector:4318)`);
    return undefined;
  }
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') problems.push(`${name} must be an http(s) URL: OTLP over HTTP`);
  else if (url.username !== '' || url.password !== '') problems.push(`${name} must not hold credentials: give them in OTEL_EXPORTER_OTLP_HEADERS`);
  else return url;
  return undefined;
}

/** The traces URL: the per-signal one as given, or the base one with v1/traces appended to its path. */
function tracesUrl(env: TracingEnv, problems: string[]): URL | undefined {
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT.trim();
  if (specific !== '') return httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', specific, problems);
  const base = httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', env.OTEL_EXPORTER_OTLP_ENDPOINT.trim(), problems);
  if (base === undefined) return undefined;
  base.pathname = `${base.pathname.replace(/\/+$/, '')}/v1/traces`;
  return base;
}

/**
 * OTEL_RESOURCE_ATTRIBUTES: `key=value` pairs separated by commas, values percent-encoded.
 * @see https://opentelemetry.io/docs/specs/otel/resource/sdk/#specifying-resource-information-via-an-environment-variable
 */
export function parseResourceAttributes(raw: string, problems: string[]): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const entry of raw.split(',')) {
    if (entry.trim() === '') continue;
    const eq = entry.indexOf('=');
    const key = eq === -1 ? '' : entry.slice(0, eq).trim();
    if (key === '') {
      problems.push(`OTEL_RESOURCE_ATTRIBUTES: "${entry.trim()}" is not key=value`);
      continue;
    }
    try {
      attributes[key] = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      problems.push(`OTEL_RESOURCE_ATTRIBUTES: the value of ${key} is not valid percent-encoding`);
    }
  }
  return attributes;
}

function samplerOf(env: TracingEnv, problems: string[]): { sampler: SamplerName; ratio: number } {
  const name = env.OTEL_TRACES_SAMPLER.trim();
  const sampler = (SAMPLERS as readonly string[]).includes(name) ? (name as SamplerName) : undefined;
  if (sampler === undefined) problems.push(`OTEL_TRACES_SAMPLER: "${name}" is not one of ${SAMPLERS.join(', ')}`);
  const arg = env.OTEL_TRACES_SAMPLER_ARG.trim();
  if (!sampler?.endsWith('traceidratio') || arg === '') return { sampler: sampler ?? 'parentbased_always_on', ratio: 1 };
  const ratio = Number(arg);
  if (!/^\d*\.?\d+$/.test(arg) || ratio > 1) problems.push(`OTEL_TRACES_SAMPLER_ARG: "${arg}" is not a ratio from 0 to 1`);
  return { sampler, ratio: Math.min(1, ratio || 0) };
}

function scheduleDelay(raw: string, problems: string[]): number {
  if (raw.trim() === '') return 5000;
  const ms = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || ms < 1 || !Number.isSafeInteger(ms)) {
    problems.push(`OTEL_BSP_SCHEDULE_DELAY: "${raw}" is not a whole number of milliseconds (at least 1)`);
    return 5000;
  }
  return ms;
}

/**
 * Reads the tracing variables; problems are appended naming their variable.
 * @returns the settings when tracing is on, undefined when it is off
 */
export function validateTracing(env: TracingEnv, problems: string[]): TracingSettings | undefined {
  const exporter = env.OTEL_TRACES_EXPORTER.trim();
  if (exporter === 'none' || exporter === '' || env.OTEL_SDK_DISABLED) return undefined;
  if (exporter !== 'otlp') {
    problems.push(`OTEL_TRACES_EXPORTER: "${exporter}" is not otlp or none; gatehouse exports spans with OTLP only`);
    return undefined;
  }
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL.trim() || env.OTEL_EXPORTER_OTLP_PROTOCOL.trim();
  if (protocol !== 'http/protobuf') {
    const name = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL.trim() ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
    problems.push(`${name}: "${protocol}" is not supported; gatehouse sends http/protobuf to the receiver's OTLP/HTTP port (4318)`);
  }
  const endpoint = tracesUrl(env, problems);
  const resource = parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES, problems);
  const serviceName = env.OTEL_SERVICE_NAME.trim();
  if (serviceName !== '') resource['service.name'] = serviceName;
  else resource['service.name'] ??= 'gatehouse';
  const { sampler, ratio } = samplerOf(env, problems);
  const scheduleDelayMs = scheduleDelay(env.OTEL_BSP_SCHEDULE_DELAY, problems);
  if (endpoint === undefined) return undefined;
  return Object.freeze({ endpoint, resource: Object.freeze(resource), sampler, ratio, scheduleDelayMs, recordUser: env.GATEHOUSE_TRACING_RECORD_USER });
}

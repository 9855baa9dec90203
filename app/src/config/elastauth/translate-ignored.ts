/**
 * elastauth's operational settings: `log_level` maps, the rest are ignored with a warning, and the
 * few whose silent loss would widen access or change what is trusted are problems.
 */
import { LEGACY_KEYS } from './elastauth-keys.ts';
import { checkKnownKeys, own, readBool, readSection, readString, type Translation } from './read-value.ts';

const LOG_LEVELS: Readonly<Record<string, string>> = { debug: 'debug', info: 'info', warn: 'warn', warning: 'warn', error: 'error' };
const PROXY_KEYS = ['enabled', 'elasticsearch_url', 'timeout', 'max_idle_conns', 'idle_conn_timeout', 'tls'];

function translateLogging(doc: Readonly<Record<string, unknown>>, out: Translation, problems: string[]): void {
  const level = readString(own(doc, 'log_level'), 'log_level', problems);
  if (level !== undefined) {
    const mapped = LOG_LEVELS[level.trim().toLowerCase()];
    if (mapped) out.env.GATEHOUSE_LOG_LEVEL = mapped;
    else problems.push(`log_level: "${level}" is not one of debug, info, warn, error`);
  }
  const format = readString(own(doc, 'log_format'), 'log_format', problems);
  if (format !== undefined && !['json', 'text'].includes(format.trim().toLowerCase())) {
    problems.push(`log_format: "${format}" is not one of json, text`);
  } else if (format !== undefined && format.trim().toLowerCase() === 'text') {
    out.warnings.push('log_format: ignored; gatehouse always logs JSON lines');
  }
  if (own(doc, 'debug') !== undefined) out.warnings.push('debug: ignored; write log_level: debug for debug logs');
}

function translateFeatures(doc: Readonly<Record<string, unknown>>, out: Translation, problems: string[]): void {
  if (own(doc, 'listen') !== undefined) {
    out.warnings.push(
      'listen: ignored; gatehouse listens on GATEHOUSE_LISTEN_HOST:GATEHOUSE_PORT (default 0.0.0.0:4180) and answers ingress-nginx at /oauth2/auth',
    );
  }
  if (readBool(own(doc, 'enable_metrics'), 'enable_metrics', problems) === false) {
    out.warnings.push('enable_metrics: ignored; gatehouse always serves /metrics, only on the separate GATEHOUSE_METRICS_PORT');
  }
  if (readBool(own(doc, 'enableOtel'), 'enableOtel', problems) === true) {
    out.warnings.push('enableOtel: ignored; gatehouse does not export OpenTelemetry traces');
  }
  if (readBool(own(doc, 'extend_cache'), 'extend_cache', problems) === true) {
    out.warnings.push(
      'extend_cache: ignored; credentials are renewed when their lifetime ends, so a busy user never keeps one password indefinitely',
    );
  }
  const whitelist = readBool(own(doc, 'enable_group_whitelist'), 'enable_group_whitelist', problems);
  if (whitelist === true) {
    // Ignoring it would admit users the operator meant to keep out.
    problems.push(
      'enable_group_whitelist: not supported; require groups per route with /oauth2/auth?allowed_groups=… (or a named policy) instead',
    );
  } else if (own(doc, 'group_whitelist') !== undefined) {
    out.warnings.push('group_whitelist: ignored, as in elastauth while enable_group_whitelist is off');
  }
}

function translateProxy(value: unknown, out: Translation, problems: string[]): void {
  const proxy = readSection(value, 'proxy', problems);
  if (!proxy) return;
  checkKnownKeys(proxy, PROXY_KEYS, 'proxy', problems);
  const enabled = readBool(own(proxy, 'enabled'), 'proxy.enabled', problems);
  if (enabled === true) {
    problems.push(
      'proxy.enabled: transparent proxy mode is not supported; gatehouse answers ingress-nginx auth-url and the ingress forwards to Elasticsearch',
    );
  } else if (Object.keys(proxy).some((key) => key !== 'enabled')) {
    out.warnings.push('proxy: ignored; proxy mode is off and gatehouse has none');
  }
}

/** Translates log_level and handles every ignored or legacy top-level key. */
export function translateIgnored(doc: Readonly<Record<string, unknown>>, out: Translation, problems: string[]): void {
  translateLogging(doc, out, problems);
  translateFeatures(doc, out, problems);
  translateProxy(own(doc, 'proxy'), out, problems);
  for (const [key, advice] of Object.entries(LEGACY_KEYS)) {
    if (Object.hasOwn(doc, key)) problems.push(`${key}: elastauth v1 key, not supported; ${advice}`);
  }
}

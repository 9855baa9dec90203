/**
 * Prometheus metrics, in a registry of their own so several instances (tests) never collide.
 * Names follow Prometheus conventions: a `gatehouse_` prefix, base units, `_total` on counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { createFastHistogram, type FastHistogram } from './fast-histogram.ts';
import { createTally, type Tally } from './tally.ts';

/** Latency buckets in seconds, finer at the low end where /oauth2/auth lives. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** gatehouse's metrics. */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'endpoint' | 'code'>;
  readonly httpDuration: FastHistogram<'endpoint'>;
  readonly decisions: Counter<'result' | 'reason'>;
  readonly logins: Counter<'stage' | 'reason'>;
  readonly idpDuration: Histogram<'operation' | 'outcome'>;
  readonly activeSessions: Gauge;
  readonly storeDuration: FastHistogram<'operation'>;
  readonly storeErrors: Counter<'operation'>;
  readonly refreshes: Counter<'outcome'>;
  readonly sessionsRevoked: Counter<'reason'>;
  readonly configReloads: Counter<'outcome'>;
  /** Wrong or unusable Basic credentials, by password source (ldap, htpasswd). */
  readonly basicFailures: Counter<'source'>;
  /** Requests refused with 429, by what was over its limit: a login's or a client's password failures (user, client), a client's sign-in requests (signin_start, signin_callback). */
  readonly rateLimited: Counter<'scope'>;
  /** 1 while the LDAP circuit breaker answers 503 without asking the directory. */
  readonly ldapCircuitOpen: Gauge;
  /** Hot-path counts of gatehouse_http_requests_total, folded in at scrape time. */
  readonly authRequestTally: Tally<'endpoint' | 'code'>;
  /** Hot-path counts of gatehouse_auth_decisions_total, folded in at scrape time. */
  readonly decisionTally: Tally<'result' | 'reason'>;
  /** The exposition text, after folding in the tallies. */
  scrape(): Promise<string>;
}

/**
 * Creates the metrics.
 * @param activeSessions - read when scraped, so the count is never stale and costs nothing per request
 */
export function createMetrics(activeSessions: () => number): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gatehouse_' });
  const httpRequests = new Counter({
    name: 'gatehouse_http_requests_total',
    help: 'HTTP requests answered, by endpoint and status code',
    labelNames: ['endpoint', 'code'] as const,
    registers: [registry],
  });
  const decisions = new Counter({
    name: 'gatehouse_auth_decisions_total',
    help: 'Decisions of /oauth2/auth by result (allow, deny, unauthenticated, error) and reason code',
    labelNames: ['result', 'reason'] as const,
    registers: [registry],
  });
  const authRequestTally = createTally(httpRequests);
  const decisionTally = createTally(decisions);
  return {
    registry,
    httpRequests,
    authRequestTally,
    decisionTally,
    decisions,
    scrape() {
      authRequestTally.flush();
      decisionTally.flush();
      return registry.metrics();
    },
    // Observed by every check: a series per endpoint, kept by its caller, and a few additions per check.
    httpDuration: createFastHistogram<'endpoint'>({
      name: 'gatehouse_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by endpoint',
      buckets: LATENCY_BUCKETS,
      registry,
    }),
    configReloads: new Counter({
      name: 'gatehouse_config_reloads_total',
      help: 'Config file reloads by outcome (applied, unchanged, refused)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    basicFailures: new Counter({
      name: 'gatehouse_basic_auth_failures_total',
      help: 'Authorization: Basic attempts refused as wrong or unusable (unknown login, wrong password, disabled account, missing required group, malformed header), by source',
      labelNames: ['source'],
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'gatehouse_rate_limited_total',
      help: 'Requests answered 429: password attempts whose login (user) or client address (client) had too many failures, and sign-in requests from a client address over GATEHOUSE_SIGNIN_RATE_LIMIT (signin_start, signin_callback)',
      labelNames: ['scope'],
      registers: [registry],
    }),
    ldapCircuitOpen: new Gauge({
      name: 'gatehouse_ldap_circuit_open',
      help: '1 while the LDAP directory is considered down and checks answer 503 without asking it',
      registers: [registry],
    }),
    logins: new Counter({
      name: 'gatehouse_logins_total',
      help: 'Sign-ins by stage (started, succeeded, failed) and, for failures, the reason code',
      labelNames: ['stage', 'reason'],
      registers: [registry],
    }),
    idpDuration: new Histogram({
      name: 'gatehouse_idp_request_duration_seconds',
      help: 'Calls to the OpenID Provider by operation and outcome',
      labelNames: ['operation', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    // Observed by every check that reads Redis.
    storeDuration: createFastHistogram<'operation'>({
      name: 'gatehouse_store_operation_duration_seconds',
      help: 'Session store operations by operation',
      buckets: LATENCY_BUCKETS,
      registry,
    }),
    storeErrors: new Counter({
      name: 'gatehouse_store_errors_total',
      help: 'Session store operations that failed (unreachable, timed out or refused), by operation',
      labelNames: ['operation'],
      registers: [registry],
    }),
    refreshes: new Counter({
      name: 'gatehouse_token_refreshes_total',
      help: 'Server-side token refreshes by outcome: success, reused (another check or replica refreshed), rejected (session ended), error',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    sessionsRevoked: new Counter({
      name: 'gatehouse_sessions_revoked_total',
      help: 'Sessions ended by the server by reason: backchannel_logout, sign_out_everywhere, refresh_rejected',
      labelNames: ['reason'],
      registers: [registry],
    }),
    activeSessions: new Gauge({
      name: 'gatehouse_active_sessions',
      help: 'Sessions held by the store; -1 when the store cannot tell cheaply (Redis)',
      registers: [registry],
      collect() {
        this.set(activeSessions());
      },
    }),
  };
}

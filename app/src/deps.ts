/** Everything the routes need, built once in main.ts and passed down. */
import type { AssertionKeys } from './assertion/assertion-keys.ts';
import type { IdentityProvider } from './auth/identity-provider.ts';
import type { ProviderSet } from './auth/provider-set.ts';
import type { SignInLimits } from './auth/sign-in-limits.ts';
import type { BackendParts } from './backends/answer-backend.ts';
import type { Config } from './config/config.ts';
import type { Outbound } from './http/outbound/create-outbound.ts';
import type { IdentitySettings } from './identity/identity-settings.ts';
import type { IdentityView } from './identity/identity-view.ts';
import type { AuditLog } from './observability/audit-log.ts';
import type { CheckLog } from './observability/check-log.ts';
import type { Logger } from './observability/logger.ts';
import type { Metrics } from './observability/metrics.ts';
import type { Tracing } from './observability/tracing/tracing.ts';
import type { Sealer } from './session/seal.ts';
import type { Identity } from './session/session-record.ts';
import type { Sessions } from './session/sessions.ts';
import type { TokenRefresher } from './session/token-refresher.ts';
import type { SessionStore } from './session/store.ts';
import type { AttemptLimiter } from './sources/basic/attempt-limiter.ts';

/** Process-wide state that changes at run time. */
export interface Lifecycle {
  /** Set on SIGTERM: readiness fails at once. */
  shuttingDown: boolean;
}

/** The dependencies of the request pipeline. */
export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  /** Writes the one line per /oauth2/auth check. */
  readonly checkLog: CheckLog;
  /** Security events (GATEHOUSE_AUDIT_LOG); `audit.rateLimited` is the hook for rate limiters. */
  readonly audit: AuditLog;
  readonly metrics: Metrics;
  readonly store: SessionStore;
  readonly sealer: Sealer;
  readonly sessions: Sessions;
  readonly refresher: TokenRefresher;
  readonly idp: IdentityProvider;
  /** Every provider browsers sign in with (the default and the config file's list); `idp` alone when not set. */
  readonly providers?: ProviderSet | undefined;
  /** The identity config in force (claims, roles, policies, headers); replaced on reload. */
  readonly identity: IdentitySettings;
  /** The roles, headers and policy subject of an identity under the config in force. */
  readonly viewOf: (identity: Identity) => IdentityView;
  /** The backends that add credentials for the app behind the ingress. */
  readonly backends: BackendParts;
  /** Failed password attempts per login and client address (ldap, htpasswd), shared through Redis with a Redis store. */
  readonly attempts: AttemptLimiter;
  /** Requests to /oauth2/start and /oauth2/callback per client address, and the bound on sign-ins in progress. */
  readonly signInLimits: SignInLimits;
  /** The outbound HTTP stack: the provider's and Elasticsearch's dispatchers. */
  readonly outbound: Outbound;
  readonly lifecycle: Lifecycle;
  /** The keys of signed identity assertions; set when GATEHOUSE_ASSERTION is on. */
  readonly assertionKeys?: AssertionKeys | undefined;
  /** Set when tracing is on (OTEL_TRACES_EXPORTER=otlp): wraps checks, pages, dispatchers and the Redis store. */
  readonly tracing?: Tracing | undefined;
  /** The clock, for tests. */
  readonly now: () => number;
}

/** The typed, frozen configuration built once at start-up and passed down. */
import type { IdentityConfig } from '../identity/identity-config.ts';
import type { SidecarRoutes } from '../proxies/sidecar/route-table.ts';

/** Which token, if any, is sent upstream as `Authorization: Bearer`. */
export type AuthorizationHeaderSource = 'none' | 'id_token' | 'access_token';

/** Log levels pino understands. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** A Redis node address. */
export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

/** How to reach Redis. */
export interface RedisConfig {
  readonly mode: 'standalone' | 'sentinel' | 'cluster';
  /** Standalone: the URL (credentials and database inside it). */
  readonly url: URL | undefined;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly tls: boolean;
  readonly sentinels: readonly RedisNode[];
  readonly sentinelMaster: string | undefined;
  readonly clusterNodes: readonly RedisNode[];
  readonly keyPrefix: string;
  readonly timeoutMs: number;
  /** How long a local copy of a session answers checks; 0 reads Redis on every check. */
  readonly localTtlMs: number;
}

/** The primary identity source. */
export type AuthProvider = 'login' | 'oidc' | 'authelia';

/** The OpenID Provider, for browser sign-in and Bearer tokens. */
export interface OidcSettings {
  readonly issuerUrl: URL;
  readonly clientId: string;
  /** Required for browser sign-in; Bearer-token validation needs none. */
  readonly clientSecret: string | undefined;
  readonly scopes: readonly string[];
  readonly allowInsecureHttp: boolean;
  readonly timeoutMs: number;
}

/** Browser sign-in. */
export interface LoginSettings {
  /** GATEHOUSE_REDIRECT_URL; undefined: each sign-in's callback is on the host it came through, for allowed hosts only. */
  readonly redirectUrl: URL | undefined;
  /** Undefined with callbacks per host and no GATEHOUSE_POST_LOGOUT_REDIRECT_URL: /oauth2/signed_out on the sign-out's host. */
  readonly postLogoutRedirectUrl: URL | undefined;
}

/** Identity headers set by an authenticated upstream (elastauth's authelia provider). */
export interface TrustedHeaderSettings {
  readonly headers: { readonly user: string; readonly groups: string; readonly email: string; readonly name: string };
  /** CIDRs of the peers allowed to set them. */
  readonly sources: readonly string[];
  /** The header and accepted values of the shared secret, when one is configured. */
  readonly secret: { readonly header: string; readonly values: readonly string[] } | undefined;
}

/** Elasticsearch user provisioning. */
export interface ElasticsearchSettings {
  readonly hosts: readonly string[];
  readonly username: string;
  readonly password: string;
  readonly caPem: string | undefined;
  readonly timeoutMs: number;
  readonly dryRun: boolean;
  readonly credentialTtlMs: number;
}

/** The proxy-facing endpoints (forward-auth, ext-authz) and the sign-in URL they send browsers to. */
export interface ProxySettings {
  /** `GATEHOUSE_SIGNIN_URL`, by default /oauth2/start beside the callback; undefined without browser sign-in. */
  readonly signinUrl: URL | undefined;
  /** The proxies whose X-Forwarded-* describe the original request: peer networks and/or a shared secret. */
  readonly trust: {
    readonly sources: readonly string[];
    readonly secret: { readonly header: string; readonly values: readonly string[] } | undefined;
  };
}

/** The egress proxy, from HTTPS_PROXY, HTTP_PROXY and NO_PROXY (their lower-case forms win); '' when unset. */
export interface ProxyVariables {
  readonly https: string;
  readonly http: string;
  readonly noProxy: string;
}

/** Outbound HTTP to the OpenID Provider and Elasticsearch. */
export interface OutboundSettings {
  /** GATEHOUSE_OIDC_CA_FILE's bundle, trusted for the provider instead of the system CAs. */
  readonly oidcCaPem: string | undefined;
  readonly connectTimeoutMs: number;
  readonly proxy: ProxyVariables;
}

/** Sidecar mode (GATEHOUSE_UPSTREAM): the app proxied to, the pool to it, the timeouts, and the file's routes. */
export interface SidecarSettings {
  /** The app's origin. */
  readonly upstream: URL;
  readonly maxConnections: number;
  readonly keepAliveTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly responseTimeoutMs: number;
  /** 0: a pause in the app's answer never cuts it. */
  readonly bodyTimeoutMs: number;
  readonly clientHeadersTimeoutMs: number;
  /** 0: no bound on a whole request beyond its headers'. */
  readonly clientRequestTimeoutMs: number;
  /** The config file's `sidecar` section: route policies and the paths that skip the check. */
  readonly routes: SidecarRoutes;
}

/** Which backend answers a check, and how each is set up. */
export interface BackendSettings {
  /** Used when the auth-url query names none. */
  readonly default: 'none' | 'elasticsearch' | 'elasticsearch-oidc' | 'eventstore';
  /** Set when Elasticsearch hosts are configured. */
  readonly elasticsearch: ElasticsearchSettings | undefined;
  /** Set when browser sign-in goes through Elasticsearch's OpenID Connect realm (backend=elasticsearch-oidc). */
  readonly elasticsearchOidc?: import('./validate-elasticsearch-oidc.ts').ElasticsearchOidcSettings | undefined;
  readonly eventstoreHeader: 'ES-TrustedAuth' | 'Kurrent-TrustedAuth';
}

/** gatehouse's whole configuration. */
export interface Config {
  readonly authProvider: AuthProvider;
  /** The identity sources a check tries, in order (GATEHOUSE_IDENTITY_SOURCES, or the provider's one). */
  readonly identitySources: readonly import('./identity-sources.ts').SourceName[];
  /** Set for the login and oidc providers. */
  readonly oidc: OidcSettings | undefined;
  /** The config file's `bearer` section: the token issuers trusted instead of the provider alone; undefined without it. */
  readonly bearer: import('./bearer-settings.ts').BearerSettings | undefined;
  /** Set for the login provider only. */
  readonly login: LoginSettings | undefined;
  /** The config file's `providers`: sign-in providers beside the GATEHOUSE_OIDC_* one ([] without the list). */
  readonly providers: readonly import('./providers-section.ts').ListedProvider[];
  /** Set for the authelia provider only. */
  readonly trustedHeaders: TrustedHeaderSettings | undefined;
  /** Set when the certificate source is listed: X.509 client certificates handed over by the proxy. */
  readonly clientCertificates: import('./validate-client-cert.ts').ClientCertificateSettings | undefined;
  /** The password sources on Authorization: Basic: the challenge realm and the brute-force limits. */
  readonly basic: import('./validate-basic.ts').BasicSettings;
  /** Set when the ldap source is listed. */
  readonly ldap: import('./validate-ldap.ts').LdapSettings | undefined;
  /** Set when the htpasswd source is listed. */
  readonly htpasswd: import('./validate-basic.ts').HtpasswdSettings | undefined;
  /** How Bearer tokens are validated (oidc provider). */
  readonly bearerValidation: 'jwks' | 'userinfo' | 'both';
  /** Set when the serviceaccount source is listed: Kubernetes ServiceAccount tokens through TokenReview. */
  readonly serviceAccount: import('./validate-serviceaccount.ts').ServiceAccountSettings | undefined;
  readonly backend: BackendSettings;
  readonly outbound: OutboundSettings;
  readonly proxies: ProxySettings;
  /** How often one client may call the sign-in endpoints, and how many sign-ins may be in progress. */
  readonly signInLimits: import('./validate-signin-limits.ts').SignInLimitSettings;
  /** GATEHOUSE_SHOW_DENIAL_DETAILS: the denied page says what the route requires. */
  readonly showDenialDetails: boolean;
  /** Set in sidecar mode only. */
  readonly sidecar: SidecarSettings | undefined;
  /** Set when GATEHOUSE_ASSERTION is on: allowed checks carry a signed identity assertion. */
  readonly assertion: import('./validate-assertion.ts').AssertionSettings | undefined;
  /** GATEHOUSE_AUDIT_LOG: where security events go as JSON lines. */
  readonly audit: import('./validate-audit.ts').AuditSettings;
  /** Set when OTEL_TRACES_EXPORTER=otlp: spans go to an OTLP/HTTP receiver. */
  readonly tracing: import('./validate-tracing.ts').TracingSettings | undefined;
  readonly cookie: {
    /** The name as sent, including any `__Host-` prefix. */
    readonly name: string;
    readonly domain: string | undefined;
    readonly secure: boolean;
    /** AEAD keys: the first seals, all unseal. */
    readonly keys: readonly Buffer[];
    /** The mounted file the keys came from (GATEHOUSE_COOKIE_SECRET_FILE), watched for rotation. */
    readonly keysFile: string | undefined;
    /** True when no key was configured and one was made at start-up (not the login provider). */
    readonly keysGenerated: boolean;
    /** Set when the keys live in a Kubernetes Secret (GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES): `keys` is replaced by its keys at start-up. */
    readonly fromKubernetes?: import('./validate-cookie-kubernetes.ts').CookieSecretSettings | undefined;
  };
  readonly allowedRedirectDomains: readonly string[];
  readonly listenHost: string;
  readonly port: number;
  readonly metricsPort: number;
  readonly sessionStore: 'memory' | 'redis';
  /** Set when sessionStore is redis. */
  readonly redis: RedisConfig | undefined;
  readonly session: {
    readonly idleTimeoutMs: number;
    readonly maxLifetimeMs: number;
    readonly maxEntries: number;
    readonly loginTimeoutMs: number;
    /** Access tokens are refreshed this long before they expire. */
    readonly refreshBeforeExpiryMs: number;
  };
  readonly upstreamHeaders: {
    readonly authorization: AuthorizationHeaderSource;
    readonly accessToken: boolean;
  };
  readonly shutdownTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly configFile: string | undefined;
  /** How often the config file is checked for changes; 0 only on SIGHUP. */
  readonly configReloadIntervalMs: number;
  /** The identity model from the config file as loaded at start-up (reloads replace it in IdentitySettings). */
  readonly identity: IdentityConfig;
  /** The parsed GATEHOUSE_CONFIG_FILE, empty when none is set. */
  readonly fileSettings: Readonly<Record<string, unknown>>;
  /** Remarks on the file that do not stop start-up (elastauth keys gatehouse ignores, …). */
  readonly configWarnings: readonly string[];
  /** Reads the config file again, as at start-up; problems are appended. */
  readonly rereadConfigFile: (problems: string[]) => Readonly<Record<string, unknown>>;
}

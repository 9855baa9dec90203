/** The typed, frozen configuration built once at start-up and passed down. */
import type { IdentityConfig } from '../identity/identity-config.ts';

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

/** gatehouse's whole configuration. */
export interface Config {
  readonly oidc: {
    readonly issuerUrl: URL;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly scopes: readonly string[];
    readonly allowInsecureHttp: boolean;
    readonly timeoutMs: number;
  };
  readonly redirectUrl: URL;
  readonly postLogoutRedirectUrl: URL;
  readonly cookie: {
    /** The name as sent, including any `__Host-` prefix. */
    readonly name: string;
    readonly domain: string | undefined;
    readonly secure: boolean;
    /** AEAD keys: the first seals, all unseal. */
    readonly keys: readonly Buffer[];
    /** The mounted file the keys came from (GATEHOUSE_COOKIE_SECRET_FILE), watched for rotation. */
    readonly keysFile: string | undefined;
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
}

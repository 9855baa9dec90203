/** The typed, frozen configuration built once at start-up and passed down. */

/** Which token, if any, is sent upstream as `Authorization: Bearer`. */
export type AuthorizationHeaderSource = 'none' | 'id_token' | 'access_token';

/** Log levels pino understands. */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

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
  };
  readonly allowedRedirectDomains: readonly string[];
  readonly listenHost: string;
  readonly port: number;
  readonly metricsPort: number;
  readonly sessionStore: 'memory';
  readonly session: {
    readonly idleTimeoutMs: number;
    readonly maxLifetimeMs: number;
    readonly maxEntries: number;
    readonly loginTimeoutMs: number;
  };
  readonly upstreamHeaders: {
    readonly authorization: AuthorizationHeaderSource;
    readonly accessToken: boolean;
  };
  readonly shutdownTimeoutMs: number;
  readonly logLevel: LogLevel;
  readonly configFile: string | undefined;
  /** The parsed GATEHOUSE_CONFIG_FILE, empty when none is set. */
  readonly fileSettings: Readonly<Record<string, unknown>>;
}

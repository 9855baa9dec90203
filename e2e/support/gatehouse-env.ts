/** The environment of a gatehouse on loopback against a local http OpenID Provider, shared by tests, the stack and the benchmark. */
import { randomBytes } from 'node:crypto';

/** What differs between local gatehouses. */
export interface LocalGatehouse {
  readonly issuer: string;
  readonly clientSecret: string;
  /** The origin the browser sees gatehouse under: the callback is `<origin>/oauth2/callback`. */
  readonly origin: string;
  readonly port?: number;
  readonly metricsPort?: number;
}

/**
 * Settings for a local gatehouse: client id `gatehouse`, http allowed for the provider, insecure
 * cookies (plain http), a fresh cookie key, loopback only. Ports are left out when not given.
 */
export function localGatehouseEnv(local: LocalGatehouse, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    GATEHOUSE_OIDC_ISSUER_URL: local.issuer,
    GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
    GATEHOUSE_OIDC_CLIENT_SECRET: local.clientSecret,
    GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP: 'true',
    GATEHOUSE_OIDC_SCOPES: 'openid profile email groups',
    GATEHOUSE_REDIRECT_URL: `${local.origin}/oauth2/callback`,
    GATEHOUSE_COOKIE_SECRET: randomBytes(32).toString('base64'),
    GATEHOUSE_COOKIE_SECURE: 'false',
    GATEHOUSE_LISTEN_HOST: '127.0.0.1',
    ...(local.port === undefined ? {} : { GATEHOUSE_PORT: String(local.port) }),
    ...(local.metricsPort === undefined ? {} : { GATEHOUSE_METRICS_PORT: String(local.metricsPort) }),
    ...overrides,
  };
}

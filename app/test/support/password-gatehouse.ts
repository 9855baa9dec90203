/**
 * gatehouse in-process with password sources only (ldap or htpasswd): no OpenID Provider, loopback
 * ports, a controllable clock and captured log lines. Helpers send a Basic credential the way
 * each proxy family does: /oauth2/auth as nginx (X-Real-IP), /oauth2/forward-auth as Traefik from
 * a trusted peer (X-Forwarded-*).
 */
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/load-config.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { freePorts } from '../../../e2e/support/ports.ts';
import { httpRequest, type HttpResponse } from '../../../e2e/support/http-client.ts';
import { BASE, GROUPS, USERS, type Slapd } from '../../../e2e/support/slapd.ts';

/** A running gatehouse. */
export interface PasswordGatehouse {
  readonly server: RunningServer;
  readonly logs: Array<Record<string, unknown>>;
  /** Moves gatehouse's clock forward. */
  advance(ms: number): void;
  /** GET /oauth2/auth as nginx's auth_request sends it. */
  auth(credentials: string | undefined, options?: { realIp?: string; query?: string; headers?: Record<string, string> }): Promise<HttpResponse>;
  /** GET /oauth2/forward-auth as Traefik sends it from a trusted peer. */
  forwardAuth(credentials: string | undefined, options?: { clientIp?: string; accept?: string }): Promise<HttpResponse>;
  /** The metrics text. */
  metrics(): Promise<string>;
  stop(): Promise<void>;
}

/** The Authorization value for a login and password. */
export function basic(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`, 'utf8').toString('base64')}`;
}

/** The ldap source's variables for the test `slapd` over StartTLS, with `extra` over them. */
export function ldapEnv(slapd: Slapd, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GATEHOUSE_IDENTITY_SOURCES: 'ldap',
    GATEHOUSE_LDAP_URL: slapd.url,
    GATEHOUSE_LDAP_START_TLS: 'true',
    GATEHOUSE_LDAP_CA_FILE: slapd.caFile,
    GATEHOUSE_LDAP_BIND_DN: USERS.service.dn,
    GATEHOUSE_LDAP_BIND_PASSWORD: USERS.service.password,
    GATEHOUSE_LDAP_BASE_DN: BASE,
    GATEHOUSE_LDAP_GROUP_BASE_DN: GROUPS,
    ...extra,
  };
}

/**
 * Starts gatehouse with `env` over loopback defaults; `configFile`, when given, is written to
 * `configPath` first and named by GATEHOUSE_CONFIG_FILE.
 */
export async function startPasswordGatehouse(env: Record<string, string>, configFile?: { path: string; yaml: string }): Promise<PasswordGatehouse> {
  const [port, metricsPort] = (await freePorts(2)) as [number, number];
  if (configFile) writeFileSync(configFile.path, configFile.yaml);
  const config = loadConfig({
    GATEHOUSE_LISTEN_HOST: '127.0.0.1',
    GATEHOUSE_PORT: String(port),
    GATEHOUSE_METRICS_PORT: String(metricsPort),
    GATEHOUSE_COOKIE_SECURE: 'false',
    GATEHOUSE_LOG_LEVEL: 'debug',
    GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.1/32',
    ...(configFile ? { GATEHOUSE_CONFIG_FILE: configFile.path } : {}),
    ...env,
  });
  let offset = 0;
  const logs: Array<Record<string, unknown>> = [];
  const server = await startServer(config, {
    now: () => Date.now() + offset,
    logDestination: {
      write: (chunk: string) => {
        for (const line of chunk.split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  });
  const base = `http://127.0.0.1:${port}`;
  const withCredentials = (credentials: string | undefined): Record<string, string> => (credentials === undefined ? {} : { authorization: credentials });
  return {
    server,
    logs,
    advance: (ms) => void (offset += ms),
    auth: (credentials, options = {}) =>
      httpRequest(`${base}/oauth2/auth${options.query ?? ''}`, {
        headers: {
          'x-original-url': 'https://app.example.test/streams/orders',
          'x-original-method': 'GET',
          ...(options.realIp === undefined ? {} : { 'x-real-ip': options.realIp }),
          ...withCredentials(credentials),
          ...options.headers,
        },
      }),
    forwardAuth: (credentials, options = {}) =>
      httpRequest(`${base}/oauth2/forward-auth`, {
        headers: {
          'x-forwarded-method': 'GET',
          'x-forwarded-proto': 'https',
          'x-forwarded-host': 'app.example.test',
          'x-forwarded-uri': '/streams/orders',
          'x-forwarded-for': options.clientIp ?? '198.51.100.20',
          accept: options.accept ?? 'application/json',
          ...withCredentials(credentials),
        },
      }),
    metrics: async () => (await httpRequest(`http://127.0.0.1:${metricsPort}/metrics`)).body,
    stop: () => server.stop(),
  };
}

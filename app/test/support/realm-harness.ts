/**
 * Starts gatehouse in-process with browser sign-in through Elasticsearch's OpenID Connect realm:
 * the Elasticsearch stand-in's realm `oidc1` is the relying party of the real test IdP (a client
 * without PKCE, as Elasticsearch's is), and gatehouse is its facilitator. A controllable clock
 * and captured log lines, as in harness.ts.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/load-config.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { startTestIdp, type TestIdp } from '../../../e2e/idp/test-idp.ts';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '../../../e2e/stand-ins/elasticsearch/stand-in.ts';
import { httpRequest, type HttpRequestOptions, type HttpResponse } from '../../../e2e/support/http-client.ts';
import { signInOverHttp } from '../../../e2e/support/http-login.ts';
import { freePorts } from '../../../e2e/support/ports.ts';

/** The facilitator user: the two privileges Elastic's guide gives it, nothing more. */
export const FACILITATOR = Object.freeze({ username: 'facilitator', password: 'facilitator-password', roles: ['facilitator-role'] });

/** A running gatehouse, its realm and its provider. */
export interface RealmHarness {
  readonly baseUrl: string;
  readonly server: RunningServer;
  readonly idp: TestIdp;
  readonly es: ElasticsearchStandIn;
  readonly logs: Array<Record<string, unknown>>;
  /** Moves gatehouse's clock forward (not Elasticsearch's). */
  advance(ms: number): void;
  /** Signs in over HTTP through the realm; the Cookie header for later requests. */
  signIn(login: string, rd?: string): Promise<string>;
  request(path: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  /** Another gatehouse on the same realm with `env` over this one's settings; stopped with this one. */
  another(env: Record<string, string>): Promise<{ readonly baseUrl: string; request(path: string, options?: HttpRequestOptions): Promise<HttpResponse> }>;
  /** How many requests Elasticsearch answered on `path` with `status`. */
  calls(path: string, status?: number): number;
  stop(): Promise<void>;
}

/** Starts the harness; `env` overrides gatehouse's settings. */
export async function startRealmHarness(env: Record<string, string> = {}): Promise<RealmHarness> {
  const [port = 0, metricsPort = 0] = await freePorts(2);
  const baseUrl = `http://127.0.0.1:${port}`;
  const clientSecret = randomBytes(16).toString('hex');
  const idp = await startTestIdp({
    clients: [
      { clientId: 'elasticsearch-rp', clientSecret, redirectUris: [`${baseUrl}/oauth2/callback`], postLogoutRedirectUris: [`${baseUrl}/oauth2/signed_out`], pkce: false },
    ],
  });
  const es = await startElasticsearchStandIn({ admin: FACILITATOR, roles: { 'facilitator-role': ['manage_oidc', 'manage_token'] } });
  es.addOidcRealm({
    name: 'oidc1',
    issuer: idp.issuer,
    clientId: 'elasticsearch-rp',
    clientSecret,
    redirectUri: `${baseUrl}/oauth2/callback`,
    postLogoutRedirectUri: `${baseUrl}/oauth2/signed_out`,
    requestedScopes: ['profile', 'email', 'groups'],
    claims: { principal: 'preferred_username', groups: 'groups', name: 'name', mail: 'email' },
    roleMappings: [{ roles: ['kibana_admin'], groups: 'admins' }, { roles: ['viewer'] }],
  });
  const settings = {
    GATEHOUSE_REDIRECT_URL: `${baseUrl}/oauth2/callback`,
    GATEHOUSE_COOKIE_SECRET: randomBytes(32).toString('base64'),
    GATEHOUSE_COOKIE_SECURE: 'false',
    GATEHOUSE_LISTEN_HOST: '127.0.0.1',
    GATEHOUSE_ELASTICSEARCH_HOSTS: es.url,
    GATEHOUSE_ELASTICSEARCH_USERNAME: FACILITATOR.username,
    GATEHOUSE_ELASTICSEARCH_PASSWORD: FACILITATOR.password,
    GATEHOUSE_ELASTICSEARCH_OIDC_REALM: 'oidc1',
    GATEHOUSE_LOG_LEVEL: 'debug',
    ...env,
  };
  let offset = 0;
  const logs: Array<Record<string, unknown>> = [];
  const start = (overrides: Record<string, string>, ports: { port: number; metricsPort: number }) =>
    startServer(loadConfig({ ...settings, ...overrides, GATEHOUSE_PORT: String(ports.port), GATEHOUSE_METRICS_PORT: String(ports.metricsPort) }), {
      now: () => Date.now() + offset,
      logDestination: {
        write: (chunk: string) => {
          for (const line of chunk.split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
        },
      },
    });
  const server = await start({}, { port, metricsPort });
  const others: RunningServer[] = [];
  return {
    baseUrl,
    server,
    idp,
    es,
    logs,
    advance: (ms) => void (offset += ms),
    async signIn(login, rd = '/') {
      return (await signInOverHttp(baseUrl, { login, password: login, rd })).cookieHeader;
    },
    request: (path, options) => httpRequest(new URL(path, baseUrl), options),
    async another(overrides) {
      const [otherPort = 0, otherMetrics = 0] = await freePorts(2);
      others.push(await start(overrides, { port: otherPort, metricsPort: otherMetrics }));
      const otherUrl = `http://127.0.0.1:${otherPort}`;
      return { baseUrl: otherUrl, request: (path, options) => httpRequest(new URL(path, otherUrl), options) };
    },
    calls: (path, status) => es.requestLog.filter((r) => r.path === path && (status === undefined || r.status === status)).length,
    async stop() {
      for (const other of others) await other.stop();
      await server.stop();
      await es.close();
      await idp.close();
    },
  };
}

/**
 * Starts gatehouse in-process against a real OpenID Provider (oidc-provider) on loopback, with a
 * controllable clock and captured log lines, for the integration tests.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config/load-config.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { startTestIdp, type TestIdp } from '../../../e2e/idp/test-idp.ts';
import { localGatehouseEnv } from '../../../e2e/support/gatehouse-env.ts';
import { freePorts } from '../../../e2e/support/ports.ts';
import { signInOverHttp } from '../../../e2e/support/http-login.ts';
import { httpRequest, type HttpRequestOptions, type HttpResponse } from '../../../e2e/support/http-client.ts';

/** A running gatehouse with its IdP. */
export interface Harness {
  readonly baseUrl: string;
  readonly metricsUrl: string;
  readonly server: RunningServer;
  readonly idp: TestIdp;
  /** Parsed JSON log lines so far. */
  readonly logs: Array<Record<string, unknown>>;
  /** Moves gatehouse's clock forward. */
  advance(ms: number): void;
  /** Signs in over HTTP and returns the Cookie header for later requests. */
  signIn(login: string, rd?: string): Promise<string>;
  request(path: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  stop(): Promise<void>;
}

/** Starts a harness; `env` overrides the defaults. */
export async function startHarness(
  env: Record<string, string> = {},
  options: { keyFilePollMs?: number; configPollMs?: number } = {},
): Promise<Harness> {
  const [port, metricsPort] = await freePorts(2);
  const baseUrl = `http://127.0.0.1:${port}`;
  const clientSecret = randomBytes(16).toString('hex');
  const idp = await startTestIdp({
    clients: [
      {
        clientId: 'gatehouse',
        clientSecret,
        redirectUris: [`${baseUrl}/oauth2/callback`],
        postLogoutRedirectUris: [`${baseUrl}/oauth2/signed_out`],
        backchannelLogoutUri: `${baseUrl}/oauth2/backchannel_logout`,
      },
    ],
  });
  const config = loadConfig(
    localGatehouseEnv(
      { issuer: idp.issuer, clientSecret, origin: baseUrl, port, metricsPort },
      { GATEHOUSE_ALLOWED_REDIRECT_DOMAINS: 'app.localtest,.example.com', GATEHOUSE_LOG_LEVEL: 'debug', ...env },
    ),
  );
  let offset = 0;
  const logs: Array<Record<string, unknown>> = [];
  const server = await startServer(config, {
    ...options,
    now: () => Date.now() + offset,
    // A write may carry several lines (check lines are batched per event-loop turn).
    logDestination: {
      write: (chunk: string) => {
        for (const line of chunk.split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  });
  for (let i = 0; i < 100 && !server.deps.idp.isReady(); i++) await sleep(50);
  if (!server.deps.idp.isReady()) throw new Error('discovery never loaded');
  return {
    baseUrl,
    metricsUrl: `http://127.0.0.1:${metricsPort}`,
    server,
    idp,
    logs,
    advance: (ms) => void (offset += ms),
    async signIn(login, rd = '/') {
      return (await signInOverHttp(baseUrl, { login, password: login, rd })).cookieHeader;
    },
    request: (path, options) => httpRequest(new URL(path, baseUrl), options),
    async stop() {
      await server.stop();
      await idp.close();
    },
  };
}

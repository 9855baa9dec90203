import { randomBytes } from 'node:crypto';
import { CADDY_TRUSTED_PROXY_ENV, startCaddy } from '../caddy/start-caddy.ts';
import type { CaddyHandle } from '../caddy/start-caddy.ts';
import { startEchoApp } from '../upstream/echo-app.ts';
import type { EchoApp } from '../upstream/echo-app.ts';
import { startTestIdp } from '../idp/test-idp.ts';
import type { TestIdp, TestIdpClient } from '../idp/test-idp.ts';
import { startNginx, type StartNginxOptions } from '../nginx/start-nginx.ts';
import type { NginxHandle } from '../nginx/start-nginx.ts';
import { localGatehouseEnv } from '../support/gatehouse-env.ts';
import { freePorts } from '../support/ports.ts';
import type { ResourceServer } from '../idp/resource-servers.ts';
import { startGatehouse } from './gatehouse-process.ts';
import type { GatehouseProcess } from './gatehouse-process.ts';

/** Options of {@link startStack}; every port defaults to a free ephemeral one. */
export interface StackOptions {
  /** The proxy in front: nginx rendered like ingress-nginx (default), or Caddy with forward_auth. */
  proxy?: 'nginx' | 'caddy';
  /** The port of the proxy in front, nginx's or Caddy's. */
  nginxPort?: number;
  /** One port per gatehouse replica; default one replica. */
  gatehousePorts?: number[];
  /** Metrics ports, parallel to `gatehousePorts`. */
  gatehouseMetricsPorts?: number[];
  upstreamPort?: number;
  /** The APIs machine clients ask the IdP tokens for (client credentials grant with `resource=`). */
  idpResourceServers?: readonly ResourceServer[];
  idpPort?: number;
  /** Lifetime of the IdP's access and ID tokens; default 300 s. */
  accessTokenTtlSeconds?: number;
  /** More relying parties registered at the IdP beside gatehouse (Elasticsearch's realm, say), given the stack's origin. */
  extraIdpClients?: (baseUrl: string) => TestIdpClient[];
  /** Added to (and overriding) the gatehouse settings, except the per-replica ports. */
  gatehouseEnv?: Record<string, string>;
  /** The protected Ingresses and the auth-response-headers; the defaults of the local stack otherwise. */
  nginx?: Pick<StartNginxOptions, 'ingresses' | 'responseHeaders'>;
}

/** What every local stack has, whichever proxy is in front. */
interface StackParts {
  /** `http://localhost:<nginxPort>` */
  baseUrl: string;
  idp: TestIdp;
  echo: EchoApp;
  gatehouse: GatehouseProcess[];
  /** The OIDC client registered for gatehouse at the IdP. */
  client: { clientId: string; clientSecret: string };
  /** The settings shared by every replica (without the per-replica ports). */
  gatehouseEnv: Record<string, string>;
  /** Stops everything, in reverse start order. */
  stop(): Promise<void>;
}

/** The running local stack: IdP, echo app, gatehouse replica(s) and nginx in front. */
export interface Stack extends StackParts {
  proxy: 'nginx';
  nginx: NginxHandle;
}

/** The local stack with Caddy's forward_auth in front instead of nginx. */
export interface CaddyStack extends StackParts {
  proxy: 'caddy';
  caddy: CaddyHandle;
}

/**
 * Starts, in order, the test IdP, the echo app, gatehouse and nginx configured like
 * ingress-nginx (or, with `proxy: 'caddy'`, Caddy with forward_auth), all on loopback.
 */
export function startStack(options?: StackOptions & { proxy?: 'nginx' }): Promise<Stack>;
export function startStack(options: StackOptions & { proxy: 'caddy' }): Promise<CaddyStack>;
export function startStack(options?: StackOptions): Promise<Stack | CaddyStack>;
export async function startStack(options: StackOptions = {}): Promise<Stack | CaddyStack> {
  const replicas = options.gatehousePorts?.length ?? 1;
  const [nginxPort = 0, upstreamPort = 0, ...pool] = await pickPorts([
    options.nginxPort,
    options.upstreamPort,
    ...Array.from({ length: replicas }, (_, i) => options.gatehousePorts?.[i]),
    ...Array.from({ length: replicas }, (_, i) => options.gatehouseMetricsPorts?.[i]),
  ]);
  const gatehousePorts = pool.slice(0, replicas);
  const metricsPorts = pool.slice(replicas);
  const baseUrl = `http://localhost:${nginxPort}`;
  const client = { clientId: 'gatehouse', clientSecret: randomBytes(24).toString('base64url') };

  const stoppers: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const stopOne of stoppers.splice(0).reverse()) await stopOne();
  };
  try {
    const idp = await startTestIdp({
      port: options.idpPort ?? 0,
      ...(options.accessTokenTtlSeconds === undefined ? {} : { accessTokenTtlSeconds: options.accessTokenTtlSeconds }),
      ...(options.idpResourceServers && { resourceServers: options.idpResourceServers }),
      clients: [
        {
          ...client,
          redirectUris: [`${baseUrl}/oauth2/callback`],
          postLogoutRedirectUris: [`${baseUrl}/oauth2/signed_out`],
          // One URI per client: with several replicas the first one receives it.
          backchannelLogoutUri: `http://127.0.0.1:${gatehousePorts[0]}/oauth2/backchannel_logout`,
        },
        ...(options.extraIdpClients?.(baseUrl) ?? []),
      ],
    });
    stoppers.push(() => idp.close());
    const echo = await startEchoApp({ port: upstreamPort });
    stoppers.push(() => echo.close());

    const gatehouseEnv = localGatehouseEnv(
      { issuer: idp.issuer, clientSecret: client.clientSecret, origin: baseUrl },
      {
        GATEHOUSE_OIDC_SCOPES: 'openid profile email groups offline_access',
        GATEHOUSE_ALLOWED_REDIRECT_DOMAINS: 'localhost',
        GATEHOUSE_LOG_LEVEL: 'info',
        ...(options.proxy === 'caddy' ? CADDY_TRUSTED_PROXY_ENV : {}),
        ...options.gatehouseEnv,
      },
    );
    const gatehouse: GatehouseProcess[] = [];
    for (const [i, port] of gatehousePorts.entries()) {
      const metricsPort = metricsPorts[i] as number;
      const replica = await startGatehouse({
        port,
        metricsPort,
        // The ports come last: readiness is polled on exactly these.
        env: { ...gatehouseEnv, GATEHOUSE_PORT: String(port), GATEHOUSE_METRICS_PORT: String(metricsPort) },
      });
      gatehouse.push(replica);
      stoppers.push(() => replica.stop());
    }

    const parts = { baseUrl, idp, echo, gatehouse, client, gatehouseEnv, stop };
    if (options.proxy === 'caddy') {
      const caddy = await startCaddy({ port: nginxPort, gatehousePorts, upstreamPort });
      stoppers.push(() => caddy.stop());
      return { ...parts, proxy: 'caddy', caddy };
    }
    const nginx = await startNginx({ ...options.nginx, port: nginxPort, gatehousePorts, upstreamPort });
    stoppers.push(() => nginx.stop());
    return { ...parts, proxy: 'nginx', nginx };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Fills the undefined entries with distinct free ports, avoiding the ones already given. */
async function pickPorts(wanted: Array<number | undefined>): Promise<number[]> {
  const missing = wanted.filter((p) => p === undefined).length;
  const given = new Set(wanted.filter((p): p is number => p !== undefined));
  const free = (await freePorts(missing + given.size)).filter((p) => !given.has(p));
  return wanted.map((p) => p ?? (free.shift() as number));
}

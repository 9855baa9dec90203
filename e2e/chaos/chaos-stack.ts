/**
 * The stack the fault and rollout runs drive: redis-server with persistence on (appendonly), the
 * test OpenID Provider, the Elasticsearch stand-in, two gatehouse replicas sharing them, and nginx
 * in front (chaos-nginx.ts). Every part can be stopped, frozen or restarted by the run, and the
 * replicas are restarted on the same ports with the same settings, as a rollout would.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestIdp, type TestIdp } from '../idp/test-idp.ts';
import { startGatehouse, type GatehouseProcess } from '../stack/gatehouse-process.ts';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '../stand-ins/elasticsearch/stand-in.ts';
import { localGatehouseEnv } from '../support/gatehouse-env.ts';
import { freePorts } from '../support/ports.ts';
import { startRedisServer, type RedisServerHandle } from '../support/redis-server.ts';
import { startChaosNginx, type ChaosNginx } from './chaos-nginx.ts';

/** The settings the runs state their bounds in. */
export const CHAOS_SETTINGS = {
  redisTimeoutMs: 500,
  elasticsearchTimeoutMs: 1000,
  oidcTimeoutMs: 2000,
  /** GATEHOUSE_SHUTDOWN_TIMEOUT: the chart's drainSeconds, shortened for the run. */
  drainMs: 5000,
  /** The chart's preStopSeconds, shortened for the run. */
  preStopMs: 1000,
  /** Access tokens this short are refreshed every few seconds, so the provider matters during the load. */
  accessTokenTtlSeconds: 75,
} as const;

/** One replica: its ports, and the process while it runs. */
export interface Replica {
  readonly port: number;
  readonly metricsPort: number;
  process: GatehouseProcess | undefined;
}

/** The running stack. */
export interface ChaosStack {
  /** `http://localhost:<nginx port>` */
  readonly baseUrl: string;
  readonly nginx: ChaosNginx;
  readonly redis: RedisServerHandle;
  readonly idp: TestIdp;
  readonly es: ElasticsearchStandIn;
  readonly replicas: readonly Replica[];
  /** Starts replica `index` again with the stack's settings; resolves once /readyz answers 200. */
  startReplica(index: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the stack; `extraEnv` is added to every replica's settings. */
export async function startChaosStack(extraEnv: Record<string, string> = {}): Promise<ChaosStack> {
  const [nginxPort = 0, ...ports] = await freePorts(5);
  const baseUrl = `http://localhost:${nginxPort}`;
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const stopOne of stoppers.splice(0).reverse()) await stopOne().catch(() => undefined);
  };
  try {
    const redis = await startRedisServer({ appendOnly: true });
    stoppers.push(() => redis.stop());
    const clientSecret = randomBytes(24).toString('base64url');
    const idp = await startTestIdp({
      accessTokenTtlSeconds: CHAOS_SETTINGS.accessTokenTtlSeconds,
      clients: [{ clientId: 'gatehouse', clientSecret, redirectUris: [`${baseUrl}/oauth2/callback`], postLogoutRedirectUris: [`${baseUrl}/oauth2/signed_out`] }],
    });
    stoppers.push(() => idp.close());
    const es = await startElasticsearchStandIn();
    stoppers.push(() => es.close());
    const env = localGatehouseEnv(
      { issuer: idp.issuer, clientSecret, origin: baseUrl },
      {
        GATEHOUSE_OIDC_SCOPES: 'openid profile email groups offline_access',
        GATEHOUSE_ALLOWED_REDIRECT_DOMAINS: 'localhost',
        GATEHOUSE_LOG_LEVEL: 'warn',
        GATEHOUSE_SESSION_STORE: 'redis',
        GATEHOUSE_REDIS_URL: redis.url,
        GATEHOUSE_REDIS_TIMEOUT: `${CHAOS_SETTINGS.redisTimeoutMs}ms`,
        GATEHOUSE_OIDC_TIMEOUT: `${CHAOS_SETTINGS.oidcTimeoutMs}ms`,
        GATEHOUSE_ELASTICSEARCH_HOSTS: es.url,
        GATEHOUSE_ELASTICSEARCH_USERNAME: es.admin.username,
        GATEHOUSE_ELASTICSEARCH_PASSWORD: es.admin.password,
        GATEHOUSE_ELASTICSEARCH_TIMEOUT: `${CHAOS_SETTINGS.elasticsearchTimeoutMs}ms`,
        // Short-lived credentials: checks on the Elasticsearch route keep asking Elasticsearch.
        GATEHOUSE_CREDENTIAL_TTL: '4s',
        GATEHOUSE_SHUTDOWN_TIMEOUT: `${CHAOS_SETTINGS.drainMs}ms`,
        ...extraEnv,
      },
    );
    const replicas: Replica[] = [0, 1].map((i) => ({ port: ports[i] as number, metricsPort: ports[i + 2] as number, process: undefined }));
    const startReplica = async (index: number): Promise<void> => {
      const replica = replicas[index] as Replica;
      replica.process = await startGatehouse({
        port: replica.port,
        metricsPort: replica.metricsPort,
        env: { ...env, GATEHOUSE_PORT: String(replica.port), GATEHOUSE_METRICS_PORT: String(replica.metricsPort) },
        readyTries: 300,
      });
    };
    for (const index of [0, 1]) await startReplica(index);
    stoppers.push(async () => {
      for (const replica of replicas) await replica.process?.stop();
    });
    const nginx = await startChaosNginx({
      port: nginxPort,
      replicaPorts: replicas.map((r) => r.port),
      routes: [
        { path: '/api/', authQuery: '' },
        { path: '/es/', authQuery: '?backend=elasticsearch' },
      ],
    });
    stoppers.push(() => nginx.stop());
    return { baseUrl, nginx, redis, idp, es, replicas, startReplica, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Polls `probe` every 50 ms until it holds, at most `limitMs`; resolves with the time it took, or undefined. */
export async function timeUntil(probe: () => Promise<boolean>, limitMs: number): Promise<number | undefined> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if (await probe().catch(() => false)) return Math.round(performance.now() - started);
    await sleep(50);
  }
  return undefined;
}

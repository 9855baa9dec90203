/**
 * Builds every part from a Config and starts both listeners. Tests start gatehouse in-process
 * through this; main.ts adds argument handling and signals on top.
 */
import { createServer } from 'node:http';
import type { DestinationStream } from 'pino';
import { buildApp, buildMetricsApp } from '../app.ts';
import { createAssertionKeys } from '../assertion/assertion-keys.ts';
import { createBackends } from '../backends/create-backends.ts';
import { createNoIdentityProvider } from '../auth/no-identity-provider.ts';
import { createOidcClient } from '../auth/oidc-client.ts';
import { createProviders } from '../auth/create-providers.ts';
import { createSignInLimits } from '../auth/sign-in-limits.ts';
import type { Config } from '../config/config.ts';
import type { AppDeps, Lifecycle } from '../deps.ts';
import { createOutbound } from '../http/outbound/create-outbound.ts';
import { createIdentitySettings } from '../identity/identity-settings.ts';
import { createIdentityViews } from '../identity/identity-view.ts';
import { createAuditLog } from '../observability/audit-log.ts';
import { createCheckLog } from '../observability/check-log.ts';
import { createLogger, createStdoutDestination, type Logger } from '../observability/logger.ts';
import { createMetrics } from '../observability/metrics.ts';
import { startTracing } from '../observability/tracing/tracing.ts';
import { createSessionStore } from '../session/create-store.ts';
import { watchKeyFile } from '../session/key-file-watcher.ts';
import { openCookieSecret } from '../session/cookie-secret/open-cookie-secret.ts';
import { createSealer } from '../session/seal.ts';
import { createSessions } from '../session/sessions.ts';
import { keepsAccessToken } from '../session/kept-tokens.ts';
import { createTokenRefresher } from '../session/token-refresher.ts';
import { createAttemptLimiter } from '../sources/basic/create-attempt-limiter.ts';
import { listen } from './listen.ts';
import { shutDown } from './shutdown.ts';

// nginx forwards up to 4 × 8 KiB of request headers; Node's 16 KiB default would answer 431,
// which ingress-nginx turns into a 500 for the user.
const MAX_HEADER_BYTES = 64 * 1024;

/** A running gatehouse. */
export interface RunningServer {
  readonly port: number;
  readonly metricsPort: number;
  readonly deps: AppDeps;
  readonly logger: Logger;
  /** Graceful stop: readiness fails, listeners close, in-flight requests finish (bounded), the store closes. */
  stop(): Promise<void>;
}

/** Options for tests: a log destination and a clock. */
export interface StartOptions {
  readonly logDestination?: DestinationStream;
  readonly now?: () => number;
  /** How often a mounted cookie key file is checked for rotation; 2 s by default. */
  readonly keyFilePollMs?: number;
  /** How often the config file is checked for changes; the configured interval by default. */
  readonly configPollMs?: number;
}

/** Starts gatehouse with `config`. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const stdout = options.logDestination ? undefined : createStdoutDestination();
  const destination = options.logDestination ?? stdout;
  const logger = createLogger(config.logLevel, destination);
  // Off (the default): undefined, and no part of the OpenTelemetry SDK is loaded.
  const tracing = await startTracing(config.tracing, logger);
  const now = options.now ?? Date.now;
  const audit = createAuditLog(config.audit, destination, now);
  // Keys kept in a Kubernetes Secret are read (or the Secret made) before anything seals; from here
  // on the configuration carries them.
  const cookieSecret = config.cookie.fromKubernetes ? await openCookieSecret(config, config.cookie.fromKubernetes, { logger, now }) : undefined;
  if (cookieSecret) config = cookieSecret.config;
  const metrics = createMetrics(() => store.count());
  // One sealer for cookies and stored sessions, so a key rotation reaches both.
  const sealer = createSealer(config.cookie.keys);
  const storeTimers = new Map<string, { observe(seconds: number): void }>();
  const store = createSessionStore(config, sealer, now, (operation, seconds, ok) => {
    let timer = storeTimers.get(operation);
    if (!timer) storeTimers.set(operation, (timer = metrics.storeDuration.labels({ operation })));
    timer.observe(seconds);
    if (!ok) metrics.storeErrors.inc({ operation });
  }, tracing && config.redis ? tracing.storeOperations(config.redis) : undefined);
  const lifecycle: Lifecycle = { shuttingDown: false };
  const sessions = createSessions(config, store, sealer, now);
  // Every outbound HTTP call goes through these dispatchers, built once from the config.
  const outbound = createOutbound(config, logger, tracing);
  const idp =
    config.oidc && outbound.provider
      ? createOidcClient(config.oidc, config.login?.redirectUrl, logger, metrics, outbound.provider)
      : createNoIdentityProvider();
  const providers = createProviders(config, idp, { logger, metrics, outbound });
  for (const warning of config.configWarnings) logger.warn({ warning }, 'config file');
  if (config.cookie.keysGenerated) {
    logger.warn('GATEHOUSE_COOKIE_SECRET is not set: a random key was made for this process; set one shared by every replica');
  }
  const backends = createBackends(config, logger, metrics.registry, outbound);
  const refresher = createTokenRefresher({
    store,
    // Sessions signed in through Elasticsearch's realm hold Elasticsearch's tokens, refreshed there;
    // the others are refreshed by the provider they signed in with.
    idp: backends.elasticsearchOidc ?? ((record) => providers.of(record.identity.provider)),
    logger,
    now,
    refreshBeforeExpiryMs: config.session.refreshBeforeExpiryMs,
    keepsAccessToken: keepsAccessToken(config),
    idleTimeoutMs: config.session.idleTimeoutMs,
    onOutcome: (outcome) => metrics.refreshes.inc({ outcome }),
    async onSessionEnded(id, record) {
      await sessions.end(id);
      metrics.sessionsRevoked.inc({ reason: 'refresh_rejected' });
      audit.record({ event: 'refresh_rejected', outcome: 'failure', reason: 'refresh_token_refused', user: record.identity.user, sub: record.identity.sub, sessionsEnded: 1 });
    },
  });
  const stopWatchingKeys = config.cookie.keysFile
    ? watchKeyFile({
        path: config.cookie.keysFile,
        logger,
        ...(options.keyFilePollMs === undefined ? {} : { intervalMs: options.keyFilePollMs }),
        onKeys: (keys) => {
          sealer.setKeys(keys);
          audit.record({ event: 'key_rotation', outcome: 'success', keys: keys.length });
        },
        onRefused: (reason) => audit.record({ event: 'key_rotation', outcome: 'failure', reason }),
      })
    : () => {};
  const stopFollowingSecret = cookieSecret
    ? cookieSecret.follow({
        pollMs: options.keyFilePollMs,
        onKeys: (keys) => {
          sealer.setKeys(keys);
          audit.record({ event: 'key_rotation', outcome: 'success', keys: keys.length });
        },
        onRefused: (reason) => audit.record({ event: 'key_rotation', outcome: 'failure', reason }),
      })
    : () => {};
  const assertionKeys = config.assertion
    ? await createAssertionKeys(config.assertion, { logger, now, ...(options.keyFilePollMs === undefined ? {} : { pollMs: options.keyFilePollMs }) })
    : undefined;
  if (config.assertion && config.assertion.keyFile === undefined) {
    logger.warn('GATEHOUSE_ASSERTION_KEY_FILE is not set: assertions are signed with a key made for this process, which other replicas neither use nor publish; give every replica the same key file');
  }
  const identity = createIdentitySettings(config.identity, {
    file: config.configFile,
    read: config.rereadConfigFile,
    logger,
    pollMs: options.configPollMs ?? config.configReloadIntervalMs,
    onReload: (outcome, trigger) => {
      metrics.configReloads.inc({ outcome });
      if (outcome !== 'unchanged') audit.record({ event: 'config_reload', outcome: outcome === 'applied' ? 'success' : 'failure', reason: outcome === 'refused' ? 'invalid' : undefined, trigger });
    },
  });
  const deps: AppDeps = {
    config,
    logger,
    checkLog: createCheckLog(destination ?? process.stdout, config.logLevel),
    audit,
    metrics,
    store,
    sealer,
    sessions,
    refresher,
    idp,
    providers,
    identity,
    viewOf: createIdentityViews(() => identity.current()),
    backends,
    outbound,
    attempts: createAttemptLimiter(config, now),
    signInLimits: createSignInLimits(config, logger, now),
    lifecycle,
    now,
    assertionKeys,
    tracing,
  };
  const app = buildApp(deps);
  // Sidecar mode brings its own client timeouts (uploads can outlast 30 s) and WebSocket upgrades.
  const main = createServer({ maxHeaderSize: MAX_HEADER_BYTES, requestTimeout: 30_000, ...app.sidecar?.serverOptions }, app);
  if (app.sidecar) main.on('upgrade', app.sidecar.upgrade);
  main.keepAliveTimeout = 65_000;
  const metricsServer = createServer(buildMetricsApp(deps));
  const port = await listen(main, config.port, config.listenHost, 'GATEHOUSE_PORT');
  const metricsPort = await listen(metricsServer, config.metricsPort, config.listenHost, 'GATEHOUSE_METRICS_PORT');
  logger.info({ port, metricsPort, store: store.kind }, 'gatehouse listening');
  let stopping: Promise<void> | undefined;
  return {
    port,
    metricsPort,
    deps,
    logger,
    stop() {
      stopWatchingKeys();
      stopFollowingSecret();
      assertionKeys?.close();
      identity.close();
      stopping ??= shutDown({ main, metricsServer, deps, timeoutMs: config.shutdownTimeoutMs }).finally(async () => {
        await backends.close().catch(() => {});
        await app.sidecar?.close().catch(() => {});
        await outbound.close().catch(() => {});
        await deps.attempts.close().catch(() => {});
        await deps.signInLimits.close().catch(() => {});
        deps.checkLog.flush();
        audit.close();
        // Last, so that the spans of the requests finished above are exported too.
        await tracing?.close();
        stdout?.flushSync();
      });
      return stopping;
    },
  };
}

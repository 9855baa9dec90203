/**
 * Rules that span several variables or need more than a type check. Each problem is appended
 * to `problems` naming its variable; nothing throws here so that every problem is reported at once.
 */
import type { AuthorizationHeaderSource, Config, LogLevel, RedisConfig, RedisNode } from './config.ts';
import { validateCookieSecret } from './validate-cookie-kubernetes.ts';
import { validateAssertion } from './validate-assertion.ts';
import { validateAudit } from './validate-audit.ts';
import { validateBackend } from './validate-backend.ts';
import { validatePasswordSources } from './validate-basic.ts';
import { validateClientCert } from './validate-client-cert.ts';
import { listsIssuers, validateBearer } from './validate-bearer.ts';
import { validateOutbound } from './validate-outbound.ts';
import { validateProvider } from './validate-provider.ts';
import { listsProviders, validateProviders } from './validate-providers.ts';
import { validateProxies } from './validate-proxies.ts';
import { validateSignInLimits } from './validate-signin-limits.ts';
import { validateServiceAccount } from './validate-serviceaccount.ts';
import { validateSidecar } from './validate-sidecar.ts';
import { validateTracing } from './validate-tracing.ts';
import type { CleanedEnv } from './schema.ts';
import { parseIdentityConfig } from '../identity/identity-config.ts';

function normaliseDomains(domains: readonly string[], problems: string[]): string[] {
  return domains.map((domain) => {
    const lower = domain.toLowerCase();
    if (!/^\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(lower) && lower !== 'localhost') {
      problems.push(`GATEHOUSE_ALLOWED_REDIRECT_DOMAINS: "${domain}" is not a host name (use app.example.com or .example.com)`);
    }
    return lower;
  });
}

function parseNodes(name: string, entries: readonly string[], problems: string[]): RedisNode[] {
  return entries.flatMap((entry) => {
    const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      problems.push(`${name}: "${entry}" is not host:port`);
      return [];
    }
    return [{ host: (match[1] as string).replace(/^\[|\]$/g, ''), port }];
  });
}

function redisConfig(env: CleanedEnv, problems: string[]): RedisConfig | undefined {
  if (env.GATEHOUSE_SESSION_STORE !== 'redis') return undefined;
  const sentinels = parseNodes('GATEHOUSE_REDIS_SENTINELS', env.GATEHOUSE_REDIS_SENTINELS, problems);
  const clusterNodes = parseNodes('GATEHOUSE_REDIS_CLUSTER_NODES', env.GATEHOUSE_REDIS_CLUSTER_NODES, problems);
  const modes = [env.GATEHOUSE_REDIS_URL !== '', sentinels.length > 0, clusterNodes.length > 0].filter(Boolean).length;
  if (modes !== 1) {
    problems.push(
      'GATEHOUSE_SESSION_STORE=redis needs exactly one of GATEHOUSE_REDIS_URL (standalone), GATEHOUSE_REDIS_SENTINELS (sentinel) or GATEHOUSE_REDIS_CLUSTER_NODES (cluster)',
    );
  }
  let url: URL | undefined;
  if (env.GATEHOUSE_REDIS_URL) {
    try {
      url = new URL(env.GATEHOUSE_REDIS_URL);
      if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new Error('scheme');
      if (url.pathname.length > 1 && !/^\/\d{1,2}$/.test(url.pathname)) {
        problems.push('GATEHOUSE_REDIS_URL: the path must be a database number, e.g. /0');
      }
    } catch {
      problems.push('GATEHOUSE_REDIS_URL must be redis://[user:password@]host:port[/db] or rediss://…');
    }
  }
  if (sentinels.length > 0 && !env.GATEHOUSE_REDIS_SENTINEL_MASTER) {
    problems.push('GATEHOUSE_REDIS_SENTINEL_MASTER is required with GATEHOUSE_REDIS_SENTINELS');
  }
  const mode = sentinels.length > 0 ? 'sentinel' : clusterNodes.length > 0 ? 'cluster' : 'standalone';
  const localTtlMs = env.GATEHOUSE_REDIS_LOCAL_TTL;
  if (localTtlMs > 60_000) problems.push('GATEHOUSE_REDIS_LOCAL_TTL must be at most 60s');
  return {
    mode,
    url,
    username: env.GATEHOUSE_REDIS_USERNAME || undefined,
    password: env.GATEHOUSE_REDIS_PASSWORD || undefined,
    tls: env.GATEHOUSE_REDIS_TLS || url?.protocol === 'rediss:',
    sentinels,
    sentinelMaster: env.GATEHOUSE_REDIS_SENTINEL_MASTER || undefined,
    clusterNodes,
    keyPrefix: env.GATEHOUSE_REDIS_KEY_PREFIX,
    timeoutMs: env.GATEHOUSE_REDIS_TIMEOUT,
    localTtlMs,
  };
}

/**
 * Applies the cross-field rules and shapes the Config.
 * @returns the Config, or undefined when a problem makes it impossible to build
 */
export function validateCrossField(
  env: CleanedEnv,
  file: Readonly<Record<string, unknown>>,
  problems: string[],
  files: { readonly keysFile?: string | undefined; readonly elasticsearchCaPem?: string | undefined; readonly oidcCaPem?: string | undefined } = {},
): Omit<Config, 'configWarnings' | 'rereadConfigFile'> | undefined {
  const provider = validateProvider(env, problems, listsProviders(file), listsIssuers(file));
  const providers = validateProviders(env, file, provider.identitySources.includes('session'), problems);
  const bearer = validateBearer(env, file, provider.identitySources, problems);
  const backend = validateBackend(env, files.elasticsearchCaPem, problems);
  const outbound = validateOutbound(env, files.oidcCaPem, problems);
  const proxies = validateProxies(env, provider.login, problems);
  const signInLimits = validateSignInLimits(env, problems);
  const passwordSources = validatePasswordSources(env, provider.identitySources, problems);
  const clientCertificates = validateClientCert(env, file, provider.identitySources.includes('certificate'), problems);
  const serviceAccount = validateServiceAccount(env, provider.identitySources.includes('serviceaccount'), problems);
  const sidecar = validateSidecar(env, file, { backend, identitySources: provider.identitySources }, problems);
  const assertion = validateAssertion(env, proxies.signinUrl ?? provider.login?.redirectUrl, problems);
  const audit = validateAudit(env, problems);
  const tracing = validateTracing(env, problems);
  const domain = env.GATEHOUSE_COOKIE_DOMAIN.trim() || undefined;
  const secure = env.GATEHOUSE_COOKIE_SECURE;
  const baseName = env.GATEHOUSE_COOKIE_NAME;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(baseName)) {
    problems.push('GATEHOUSE_COOKIE_NAME may hold only letters, digits, _ and -, at most 64 characters');
  }
  if (env.GATEHOUSE_SESSION_IDLE_TIMEOUT > env.GATEHOUSE_SESSION_MAX_LIFETIME) {
    problems.push('GATEHOUSE_SESSION_IDLE_TIMEOUT must not exceed GATEHOUSE_SESSION_MAX_LIFETIME');
  }
  if (env.GATEHOUSE_PORT === env.GATEHOUSE_METRICS_PORT) {
    problems.push('GATEHOUSE_METRICS_PORT must differ from GATEHOUSE_PORT: /metrics is never served on the main port');
  }
  const allowedRedirectDomains = normaliseDomains(env.GATEHOUSE_ALLOWED_REDIRECT_DOMAINS, problems);
  const redis = redisConfig(env, problems);
  const listsServiceAccounts = provider.identitySources.includes('serviceaccount');
  const fromKubernetes = validateCookieSecret(env, listsServiceAccounts ? (serviceAccount?.api ?? 'failed') : 'unbuilt', problems);
  if (problems.length > 0) return undefined;
  return {
    authProvider: provider.authProvider,
    identitySources: provider.identitySources,
    oidc: provider.oidc,
    bearer,
    login: provider.login,
    providers,
    trustedHeaders: provider.trustedHeaders,
    clientCertificates,
    bearerValidation: env.GATEHOUSE_BEARER_VALIDATION as Config['bearerValidation'],
    ...passwordSources,
    serviceAccount,
    backend,
    outbound,
    proxies,
    signInLimits,
    sidecar,
    assertion,
    audit,
    tracing,
    showDenialDetails: env.GATEHOUSE_SHOW_DENIAL_DETAILS,
    cookie: {
      // The __Host- prefix pins the cookie to this exact host; browsers accept it only when Secure and without Domain.
      name: secure && !domain ? `__Host-${baseName}` : baseName,
      domain,
      secure,
      keys: provider.keys,
      keysFile: files.keysFile,
      // Keys from a Secret are read at start-up: the placeholder made meanwhile is never used.
      keysGenerated: provider.keysGenerated && fromKubernetes === undefined,
      fromKubernetes,
    },
    allowedRedirectDomains,
    listenHost: env.GATEHOUSE_LISTEN_HOST,
    port: env.GATEHOUSE_PORT,
    metricsPort: env.GATEHOUSE_METRICS_PORT,
    sessionStore: env.GATEHOUSE_SESSION_STORE as 'memory' | 'redis',
    redis,
    session: {
      idleTimeoutMs: env.GATEHOUSE_SESSION_IDLE_TIMEOUT,
      maxLifetimeMs: env.GATEHOUSE_SESSION_MAX_LIFETIME,
      maxEntries: env.GATEHOUSE_SESSION_MAX_ENTRIES,
      loginTimeoutMs: env.GATEHOUSE_LOGIN_TIMEOUT,
      refreshBeforeExpiryMs: env.GATEHOUSE_REFRESH_BEFORE_EXPIRY,
    },
    upstreamHeaders: {
      authorization: env.GATEHOUSE_SET_AUTHORIZATION_HEADER as AuthorizationHeaderSource,
      accessToken: env.GATEHOUSE_SET_ACCESS_TOKEN_HEADER,
    },
    shutdownTimeoutMs: env.GATEHOUSE_SHUTDOWN_TIMEOUT,
    logLevel: env.GATEHOUSE_LOG_LEVEL as LogLevel,
    configFile: env.GATEHOUSE_CONFIG_FILE || undefined,
    configReloadIntervalMs: env.GATEHOUSE_CONFIG_RELOAD_INTERVAL,
    fileSettings: file,
    identity: parseIdentityConfig(file, problems),
  };
}

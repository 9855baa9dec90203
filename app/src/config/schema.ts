/**
 * Every environment variable gatehouse reads, declared once with its description, example and
 * default. The configuration reference in docs/configuration.md is generated from this table.
 */
import { bool, cleanEnv, port, str, url } from 'envalid';
import { COOKIE_KUBERNETES_SCHEMA } from './schema-cookie-kubernetes.ts';
import { ASSERTION_SCHEMA } from './schema-assertion.ts';
import { AUDIT_SCHEMA } from './schema-audit.ts';
import { BACKEND_SCHEMA } from './schema-backends.ts';
import { BASIC_SCHEMA } from './schema-basic.ts';
import { CLIENT_CERT_SCHEMA } from './schema-client-cert.ts';
import { ELASTICSEARCH_OIDC_SCHEMA } from './schema-elasticsearch-oidc.ts';
import { LDAP_SCHEMA } from './schema-ldap.ts';
import { PAGES_SCHEMA } from './schema-pages.ts';
import { OUTBOUND_SCHEMA } from './schema-outbound.ts';
import { PROXY_SCHEMA } from './schema-proxies.ts';
import { SIGNIN_LIMITS_SCHEMA } from './schema-signin-limits.ts';
import { SERVICEACCOUNT_SCHEMA } from './schema-serviceaccount.ts';
import { SIDECAR_SCHEMA } from './schema-sidecar.ts';
import { SOURCE_SCHEMA } from './schema-sources.ts';
import { TRACING_SCHEMA } from './schema-tracing.ts';
import { commaList, cookieKeys, duration, durationOrOff, positiveInt, scopeList, urlWithPath } from './validators.ts';

/** Variables that hold secrets: each may instead be given as `<NAME>_FILE`, a path to a mounted file. */
export const SECRET_VARIABLES = [
  'GATEHOUSE_OIDC_CLIENT_SECRET',
  'GATEHOUSE_COOKIE_SECRET',
  'GATEHOUSE_REDIS_PASSWORD',
  'GATEHOUSE_TRUSTED_HEADER_SECRET',
  'GATEHOUSE_ELASTICSEARCH_PASSWORD',
  'GATEHOUSE_TRUSTED_PROXY_SECRET',
  'GATEHOUSE_LDAP_BIND_PASSWORD',
  'GATEHOUSE_CLIENT_CERT_SECRET',
] as const;

/** The envalid specification of the environment. */
export const ENV_SCHEMA = {
  GATEHOUSE_OIDC_ISSUER_URL: url({
    desc: 'OpenID Provider issuer URL; discovery is read from <issuer>/.well-known/openid-configuration',
    example: 'https://login.example.com/realms/main',
    default: undefined,
  }),
  GATEHOUSE_OIDC_CLIENT_ID: str({
    desc: 'OAuth client id registered at the OpenID Provider (the audience Bearer tokens must carry)',
    example: 'gatehouse',
    default: undefined,
  }),
  GATEHOUSE_OIDC_CLIENT_SECRET: str({
    desc: 'OAuth client secret (or GATEHOUSE_OIDC_CLIENT_SECRET_FILE)',
    example: 'change-me',
    default: undefined,
  }),
  GATEHOUSE_OIDC_SCOPES: scopeList({
    desc: 'Space-separated scopes to request; must include openid',
    default: ['openid', 'profile', 'email'],
    example: 'openid profile email groups',
  }),
  GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP: bool({
    desc: 'Allow an http:// issuer; only for a local test provider',
    default: false,
  }),
  GATEHOUSE_OIDC_TIMEOUT: duration({
    desc: 'Upper bound for each call to the OpenID Provider (discovery, token, JWKS)',
    default: 5000,
    example: '5s',
  }),
  GATEHOUSE_REDIRECT_URL: urlWithPath('/oauth2/callback')({
    desc: 'The callback URL registered at the OpenID Provider; its path must be /oauth2/callback. Unset with GATEHOUSE_ALLOWED_REDIRECT_DOMAINS: each sign-in\'s callback is /oauth2/callback on the host it came through, for listed hosts only',
    example: 'https://app.example.com/oauth2/callback',
    default: undefined,
  }),
  GATEHOUSE_POST_LOGOUT_REDIRECT_URL: str({
    desc: 'post_logout_redirect_uri for RP-initiated logout; defaults to /oauth2/signed_out on the callback origin (with callbacks per host, on the sign-out\'s host)',
    default: '',
    example: 'https://app.example.com/oauth2/signed_out',
  }),
  GATEHOUSE_COOKIE_SECRET: cookieKeys({
    desc: '32 random bytes, base64; several comma-separated keys rotate: the first seals, all unseal (or GATEHOUSE_COOKIE_SECRET_FILE). Also seals sessions and cached credentials in the store; the same on every replica',
    example: 'output of: head -c32 /dev/urandom | base64',
    default: undefined,
  }),
  GATEHOUSE_COOKIE_NAME: str({
    desc: 'Session cookie name; gets the __Host- prefix when secure and no domain is set',
    default: 'gatehouse',
  }),
  GATEHOUSE_COOKIE_DOMAIN: str({ desc: 'Cookie Domain attribute, to share a session across subdomains', default: '' }),
  GATEHOUSE_COOKIE_SECURE: bool({ desc: 'Mark cookies Secure; turn off only for local http', default: true }),
  GATEHOUSE_ALLOWED_REDIRECT_DOMAINS: commaList({
    desc: 'Hosts an absolute rd may point to, and, without GATEHOUSE_REDIRECT_URL, the hosts a sign-in\'s callback may be on; a leading dot (.example.com) allows subdomains',
    default: [],
    example: 'app.example.com,.apps.example.com',
  }),
  GATEHOUSE_LISTEN_HOST: str({ desc: 'Address the main and metrics ports bind to', default: '0.0.0.0' }),
  GATEHOUSE_PORT: port({ desc: 'Main port: /oauth2/*, /healthz, /readyz', default: 4180 }),
  GATEHOUSE_METRICS_PORT: port({ desc: 'Separate port serving only /metrics', default: 9180 }),
  GATEHOUSE_SESSION_STORE: str({
    desc: 'Where sessions live: memory (one replica) or redis (shared by every replica)',
    choices: ['memory', 'redis'],
    default: 'memory',
  }),
  GATEHOUSE_REDIS_URL: str({
    desc: 'Standalone Redis: redis:// or rediss:// (TLS), with optional ACL user, password and database',
    default: '',
    example: 'rediss://gatehouse:secret@redis.auth.svc:6379/0',
  }),
  GATEHOUSE_REDIS_PASSWORD: str({
    desc: 'Redis password when not in the URL, also used for Sentinel and Cluster nodes (or GATEHOUSE_REDIS_PASSWORD_FILE)',
    default: '',
  }),
  GATEHOUSE_REDIS_USERNAME: str({ desc: 'Redis ACL user when not in the URL', default: '' }),
  GATEHOUSE_REDIS_SENTINELS: commaList({
    desc: 'Sentinel mode: the sentinels as host:port, comma-separated',
    default: [],
    example: 'sentinel-0:26379,sentinel-1:26379',
  }),
  GATEHOUSE_REDIS_SENTINEL_MASTER: str({ desc: 'Sentinel mode: the master name', default: '', example: 'mymaster' }),
  GATEHOUSE_REDIS_CLUSTER_NODES: commaList({
    desc: 'Cluster mode: seed nodes as host:port, comma-separated',
    default: [],
    example: 'redis-0:6379,redis-1:6379',
  }),
  GATEHOUSE_REDIS_TLS: bool({ desc: 'Use TLS for Sentinel and Cluster nodes (a rediss:// URL implies it)', default: false }),
  GATEHOUSE_REDIS_KEY_PREFIX: str({ desc: 'Prefix of every Redis key gatehouse writes', default: 'gatehouse:' }),
  GATEHOUSE_REDIS_TIMEOUT: duration({
    desc: 'Upper bound for one Redis command; beyond it the check fails closed',
    default: 500,
    example: '500ms',
  }),
  GATEHOUSE_REDIS_LOCAL_TTL: durationOrOff({
    desc: 'How long a replica answers from its local copy of a session before checking Redis again; changes made on any replica reach every replica at once over pub/sub regardless; 0 reads Redis on every check',
    default: 1000,
    example: '1s',
  }),
  GATEHOUSE_REFRESH_BEFORE_EXPIRY: duration({
    desc: 'Refresh an access token on the server this long before it expires',
    default: 60_000,
    example: '60s',
  }),
  GATEHOUSE_SESSION_IDLE_TIMEOUT: duration({
    desc: 'A session unused this long ends',
    default: 8 * 3_600_000,
    example: '8h',
  }),
  GATEHOUSE_SESSION_MAX_LIFETIME: duration({
    desc: 'A session ends this long after sign-in, however active',
    default: 24 * 3_600_000,
    example: '24h',
  }),
  GATEHOUSE_SESSION_MAX_ENTRIES: positiveInt({
    desc: 'Memory store bound; the least recently used session is dropped beyond it',
    default: 100_000,
  }),
  GATEHOUSE_LOGIN_TIMEOUT: duration({
    desc: 'How long a started sign-in may take at the OpenID Provider',
    default: 600_000,
    example: '10m',
  }),
  GATEHOUSE_SET_AUTHORIZATION_HEADER: str({
    desc: 'Answer /oauth2/auth with Authorization: Bearer <token>',
    choices: ['none', 'id_token', 'access_token'],
    default: 'none',
  }),
  GATEHOUSE_SET_ACCESS_TOKEN_HEADER: bool({
    desc: 'Answer /oauth2/auth with X-Auth-Request-Access-Token',
    default: false,
  }),
  GATEHOUSE_SHUTDOWN_TIMEOUT: duration({
    desc: 'On SIGTERM, how long in-flight requests may take before the process exits',
    default: 20_000,
    example: '20s',
  }),
  GATEHOUSE_LOG_LEVEL: str({
    desc: 'Log level',
    choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
    default: 'info',
  }),
  GATEHOUSE_CONFIG_FILE: str({
    desc: 'Optional YAML file with claims mapping, roles, named policies and claim headers (reloaded on change or SIGHUP)',
    default: '',
  }),
  GATEHOUSE_CONFIG_RELOAD_INTERVAL: durationOrOff({
    desc: 'How often the config file is checked for changes; 0 reloads only on SIGHUP',
    default: 2000,
    example: '2s',
  }),
  ...SOURCE_SCHEMA,
  ...CLIENT_CERT_SCHEMA,
  ...SERVICEACCOUNT_SCHEMA,
  ...BASIC_SCHEMA,
  ...LDAP_SCHEMA,
  ...BACKEND_SCHEMA,
  ...ELASTICSEARCH_OIDC_SCHEMA,
  ...OUTBOUND_SCHEMA,
  ...PROXY_SCHEMA,
  ...SIGNIN_LIMITS_SCHEMA,
  ...SIDECAR_SCHEMA,
  ...PAGES_SCHEMA,
  ...COOKIE_KUBERNETES_SCHEMA,
  ...ASSERTION_SCHEMA,
  ...AUDIT_SCHEMA,
  ...TRACING_SCHEMA,
};

/** The environment after envalid has parsed it. */
export type CleanedEnv = Readonly<ReturnType<typeof cleanEnv<typeof ENV_SCHEMA>>>;

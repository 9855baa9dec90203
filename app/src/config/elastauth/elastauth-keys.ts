/**
 * The top-level keys of an elastauth configuration file (v2, plus the v1 flat keys) that the
 * translator understands, and the ones it refuses with a pointer to their replacement.
 */

/** Keys gatehouse shares with elastauth, same name and meaning; their presence alone does not make a file elastauth's. */
export const SHARED_KEYS: readonly string[] = Object.freeze(['default_roles', 'group_mappings']);

/** Sections and settings with a gatehouse equivalent. */
const MAPPED_KEYS = ['auth_provider', 'authelia', 'oidc', 'cache', 'elasticsearch', 'secret_key', 'log_level'];

/** Settings gatehouse ignores with a warning, or refuses when a value would need them honoured. */
const IGNORED_KEYS = [
  'listen',
  'log_format',
  'enable_metrics',
  'enableOtel',
  'proxy',
  'extend_cache',
  'enable_group_whitelist',
  'group_whitelist',
  'debug',
];

/**
 * elastauth v1 flat keys, refused with the v2 key to write instead: silently dropping them would
 * run gatehouse without the setting the operator believes is in force.
 */
export const LEGACY_KEYS: Readonly<Record<string, string>> = Object.freeze({
  cache_type: 'write cache.type',
  cache_expire: 'write cache.expiration',
  redis_host: 'write cache.redis_host',
  redis_db: 'write cache.redis_db',
  elasticsearch_host: 'write elasticsearch.hosts',
  elasticsearch_username: 'write elasticsearch.username',
  elasticsearch_password: 'write elasticsearch.password',
  elasticsearch_dry_run: 'write elasticsearch.dry_run',
  headers_username: 'write authelia.header_username',
  headers_groups: 'write authelia.header_groups',
  headers_email: 'write authelia.header_email',
  headers_name: 'write authelia.header_name',
  insecure_skip_verify:
    'gatehouse never skips TLS certificate verification; trust a private CA instead (NODE_EXTRA_CA_CERTS names a PEM bundle)',
});

/** Every top-level key the translator handles; a config-file reader accepts these. */
export const ELASTAUTH_KEYS: readonly string[] = Object.freeze([
  ...MAPPED_KEYS,
  ...SHARED_KEYS,
  ...IGNORED_KEYS,
  ...Object.keys(LEGACY_KEYS),
]);

/**
 * Whether `doc` is written for elastauth: it holds an elastauth key other than the ones gatehouse
 * shares. Only then does elastauth's default provider (authelia) apply when `auth_provider` is
 * absent; a gatehouse-native file keeps gatehouse's default.
 */
export function isElastauthDocument(doc: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(doc).some((key) => ELASTAUTH_KEYS.includes(key) && !SHARED_KEYS.includes(key));
}

/**
 * elastauth's own environment variables (`ELASTAUTH_` + the key path with `.` as `_`, upper
 * case), laid over the configuration file as elastauth does: environment over file. A deployment
 * moved from elastauth keeps its `ELASTAUTH_ELASTICSEARCH_PASSWORD` and friends; gatehouse's own
 * `GATEHOUSE_*` variables still win over both, because the caller layers them over the
 * translation.
 */
import type { EnvRecord } from './expand-env-refs.ts';
import { isRecord } from './read-value.ts';

const PREFIX = 'ELASTAUTH_';
const GROUP_MAPPING_PREFIX = `${PREFIX}GROUP_MAPPINGS_`;

/** The key paths elastauth binds to environment variables. */
const PATHS: readonly string[] = [
  'auth_provider', 'secret_key', 'listen', 'log_level', 'log_format', 'enable_metrics', 'enableOtel', 'extend_cache',
  'default_roles',
  'elasticsearch.hosts', 'elasticsearch.username', 'elasticsearch.password', 'elasticsearch.dry_run',
  'cache.type', 'cache.expiration', 'cache.redis_host', 'cache.redis_db', 'cache.path',
  'authelia.header_username', 'authelia.header_groups', 'authelia.header_email', 'authelia.header_name',
  'oidc.issuer', 'oidc.client_id', 'oidc.client_secret', 'oidc.scopes', 'oidc.token_validation', 'oidc.use_pkce',
  'oidc.client_auth_method', 'oidc.authorization_endpoint', 'oidc.token_endpoint', 'oidc.userinfo_endpoint', 'oidc.jwks_uri',
  'oidc.claim_mappings.username', 'oidc.claim_mappings.email', 'oidc.claim_mappings.groups', 'oidc.claim_mappings.full_name',
  'proxy.enabled',
];

/** Lists elastauth reads from one comma-separated variable; the native parsers expect sequences. */
const LIST_PATHS = new Set(['default_roles']);

function variableFor(path: string): string {
  return PREFIX + path.replace(/\./g, '_').toUpperCase();
}

const VARIABLES: ReadonlyMap<string, string> = new Map(PATHS.map((path) => [variableFor(path), path]));

function splitList(value: string): string[] {
  return value.split(',').map((item) => item.trim()).filter(Boolean);
}

function setPath(doc: Record<string, unknown>, path: readonly string[], value: unknown): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    Object.defineProperty(doc, head, { value, enumerable: true, writable: true, configurable: true });
    return;
  }
  const current = Object.hasOwn(doc, head) ? doc[head] : undefined;
  const child = isRecord(current) ? { ...current } : {};
  setPath(child, rest, value);
  Object.defineProperty(doc, head, { value: child, enumerable: true, writable: true, configurable: true });
}

/**
 * Returns a copy of `doc` with every non-empty `ELASTAUTH_*` variable of `env` written over its
 * key (an empty variable counts as unset, as in elastauth). `ELASTAUTH_GROUP_MAPPINGS_<GROUP>=r1,r2`
 * sets `group_mappings.<group>` with the group name lower-cased, as elastauth does. Variables
 * elastauth does not know are returned as warnings. The input is never modified. Apply it after
 * `expandEnvRefs` on the file, so a variable's value is never itself expanded.
 */
export function overlayElastauthEnv(doc: Readonly<Record<string, unknown>>, env: EnvRecord): { doc: Record<string, unknown>; warnings: string[] } {
  const out: Record<string, unknown> = { ...doc };
  const warnings: string[] = [];
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (!name.startsWith(PREFIX) || value === undefined || value === '') continue;
    const path = VARIABLES.get(name);
    if (path !== undefined) {
      setPath(out, path.split('.'), LIST_PATHS.has(path) ? splitList(value) : value);
    } else if (name.startsWith(GROUP_MAPPING_PREFIX) && name.length > GROUP_MAPPING_PREFIX.length) {
      setPath(out, ['group_mappings', name.slice(GROUP_MAPPING_PREFIX.length).toLowerCase()], splitList(value));
    } else {
      warnings.push(`${name}: ignored; elastauth has no such setting, or gatehouse reads it from its own variable`);
    }
  }
  return { doc: out, warnings };
}

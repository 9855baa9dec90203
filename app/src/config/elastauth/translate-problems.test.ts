import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseClaimsConfig } from '../../identity/claims/parse-claims-config.ts';
import { ELASTAUTH_KEYS, translateElastauth } from './translate-elastauth.ts';

const BASE = { auth_provider: 'oidc' };
const BAD_HEX = 'not-a-key-but-a-secret-that-must-never-be-echoed';

function run(doc: Record<string, unknown>) {
  const problems: string[] = [];
  const out = translateElastauth({ ...BASE, ...doc }, problems);
  return { out, problems };
}

// (input, expected problems)
const bad: Array<[Record<string, unknown>, string[]]> = [
  [{ auth_provider: 'keycloak' }, ['auth_provider: "keycloak" is not one of authelia, oidc']],
  [{ auth_provider: 'login' }, ['auth_provider: "login" is not one of authelia, oidc']],
  [{ authelia: 'Remote-User' }, ['authelia: expected a mapping']],
  [{ authelia: { header_user: 'X-User' } }, ['authelia.header_user: unknown key (known: header_username, header_groups, header_email, header_name)']],
  [{ authelia: { header_username: 'Remote User' } }, [`authelia.header_username: "Remote User" is not a valid HTTP header name (letters, digits and !#$%&'*+.^_\`|~- only, at most 128)`]],
  [{ authelia: { header_groups: 'remote-user' } }, ['authelia.header_groups: "remote-user" is also the header of authelia.header_username; each field needs its own header']],
  [{ oidc: { issuer: 'keycloak.example.com' } }, ['oidc.issuer: expected an http(s) URL']],
  [{ oidc: { client_id: 12345 } }, ['oidc.client_id: expected a string; quote it so YAML keeps it as written']],
  [{ oidc: { scopes: ['profile', 'email'] } }, ['oidc.scopes: must include openid']],
  [{ oidc: { scopes: 'openid,pro"file' } }, ['oidc.scopes: "pro\\"file" is not a valid scope']],
  [{ oidc: { scopes: 42 } }, ['oidc.scopes: expected a list or a comma-separated string']],
  [{ oidc: { token_validation: 'introspection' } }, ['oidc.token_validation: "introspection" is not one of jwks, userinfo, both']],
  [{ oidc: { use_pkce: false } }, ['oidc.use_pkce: false is not supported; gatehouse always uses PKCE (S256) for its sign-in, as elastauth forced it on too']],
  [{ oidc: { use_pkce: 'maybe' } }, ['oidc.use_pkce: expected true or false']],
  [{ oidc: { userinfo_endpoint: 'https://idp/userinfo' } }, ["oidc.userinfo_endpoint: overrides are not supported; gatehouse reads it from the issuer's discovery document"]],
  [{ oidc: { jwks_uri: 'https://idp/certs' } }, ["oidc.jwks_uri: overrides are not supported; gatehouse reads it from the issuer's discovery document"]],
  [{ oidc: { audience: 'x' } }, [`oidc.audience: unknown key (known: issuer, client_id, client_secret, scopes, claim_mappings, token_validation, use_pkce, client_auth_method, authorization_endpoint, token_endpoint, userinfo_endpoint, jwks_uri, custom_headers)`]],
  [{ oidc: { claim_mappings: { roles: 'roles' } } }, ['oidc.claim_mappings.roles: unknown key (known: username, email, groups, full_name)']],
  [{ oidc: { claim_mappings: ['sub'] } }, ['oidc.claim_mappings: expected a mapping']],
  [{ oidc: { claim_mappings: { username: 'sub' } }, claims: {} }, ['oidc.claim_mappings: the file also has a claims section; keep only one of them']],
  [{ cache: { type: 'file', path: '/var/lib/elastauth' } }, ["cache.type: file is not supported: a cache on one pod's disk is lost with the pod and never shared between replicas; use memory for one replica or redis for several"]],
  [{ cache: { type: 'badger' } }, ['cache.type: "badger" is not one of memory, redis']],
  [{ cache: { type: 'memory', expiration: '3600' } }, ['cache.expiration: "3600" has no unit (elastauth would read it as nanoseconds); write e.g. 1h, 90m or 2h30m']],
  [{ cache: { type: 'memory', expiration: 3600 } }, ['cache.expiration: "3600" has no unit (elastauth would read it as nanoseconds); write e.g. 1h, 90m or 2h30m']],
  [{ cache: { type: 'memory', expiration: '1 hour' } }, ['cache.expiration: "1 hour" is not a duration; write e.g. 1h, 90m or 2h30m']],
  [{ cache: { type: 'memory', expiration: '0s' } }, ['cache.expiration: "0s" must be a positive duration']],
  [{ cache: { type: 'memory', expiration: '-1h' } }, ['cache.expiration: "-1h" must be a positive duration']],
  [{ cache: { type: 'memory', expiration: '1500us' } }, ['cache.expiration: "1500us" must be a whole number of milliseconds']],
  [{ cache: { type: 'redis', redis_host: 'redis' } }, ['cache.redis_host: expected host:port, such as redis:6379']],
  [{ cache: { type: 'redis', redis_host: 'redis://redis:6379' } }, ['cache.redis_host: expected host:port, such as redis:6379']],
  [{ cache: { type: 'redis', redis_host: 'redis:70000' } }, ['cache.redis_host: expected host:port, such as redis:6379']],
  [{ cache: { type: 'redis', redis_host: 'redis:6379', redis_db: 16 } }, ['cache.redis_db: expected a whole number from 0 to 15']],
  [{ cache: { type: 'redis', redis_host: 'redis:6379', redis_db: '-1' } }, ['cache.redis_db: expected a whole number from 0 to 15']],
  [{ cache: { ttl: '1h' } }, ['cache.ttl: unknown key (known: type, expiration, redis_host, redis_db, path)']],
  [{ elasticsearch: { hosts: ['ftp://es:9200'] } }, ['elasticsearch.hosts[0]: expected an http(s) URL such as https://elasticsearch:9200']],
  [{ elasticsearch: { hosts: ['https://es:9200', 'es2:9200 x'] } }, ['elasticsearch.hosts[1]: expected an http(s) URL such as https://elasticsearch:9200']],
  [{ elasticsearch: { hosts: 'https://admin:pw@es:9200' } }, ['elasticsearch.hosts: holds credentials; put them in elasticsearch.username and elasticsearch.password']],
  [{ elasticsearch: { hosts: [] } }, ['elasticsearch.hosts: needs at least one host']],
  [{ elasticsearch: { hosts: ['https://es:9200', ''] } }, ['elasticsearch.hosts[1]: is empty']],
  [{ elasticsearch: { dry_run: 'yes' } }, ['elasticsearch.dry_run: expected true or false']],
  [{ elasticsearch: { api_key: 'k' } }, ['elasticsearch.api_key: unknown key (known: hosts, username, password, dry_run)']],
  [{ secret_key: BAD_HEX }, ['secret_key: must be 64 hexadecimal characters, 32 bytes (openssl rand -hex 32)']],
  [{ secret_key: 'z'.repeat(64) }, ['secret_key: must be 64 hexadecimal characters, 32 bytes (openssl rand -hex 32)']],
  [{ secret_key: 'ab'.repeat(16) }, ['secret_key: must be 64 hexadecimal characters, 32 bytes (openssl rand -hex 32)']],
  [{ log_level: 'verbose' }, ['log_level: "verbose" is not one of debug, info, warn, error']],
  [{ log_format: 'xml' }, ['log_format: "xml" is not one of json, text']],
  [{ enable_group_whitelist: true, group_whitelist: ['admins'] }, ['enable_group_whitelist: not supported; require groups per route with /oauth2/auth?allowed_groups=… (or a named policy) instead']],
  [{ proxy: { enabled: true } }, ['proxy.enabled: transparent proxy mode is not supported; gatehouse answers ingress-nginx auth-url and the ingress forwards to Elasticsearch']],
  [{ proxy: { enabled: false, upstream: 'x' } }, ['proxy.upstream: unknown key (known: enabled, elasticsearch_url, timeout, max_idle_conns, idle_conn_timeout, tls)']],
  [{ cache_type: 'memory' }, ['cache_type: elastauth v1 key, not supported; write cache.type']],
  [{ elasticsearch_host: 'https://es:9200' }, ['elasticsearch_host: elastauth v1 key, not supported; write elasticsearch.hosts']],
  [{ insecure_skip_verify: true }, ['insecure_skip_verify: elastauth v1 key, not supported; gatehouse never skips TLS certificate verification; trust a private CA instead (NODE_EXTRA_CA_CERTS names a PEM bundle)']],
];

for (const [doc, expected] of bad) {
  test(`refuses ${JSON.stringify(doc)}`, () => {
    assert.deepEqual(run(doc).problems, expected);
  });
}

test('every problem is reported at once', () => {
  const { problems } = run({ auth_provider: 'x', cache: { type: 'file' }, secret_key: 'short', oidc: { use_pkce: false } });
  assert.equal(problems.length, 4);
});

test('a bad secret_key is never echoed', () => {
  const { problems, out } = run({ secret_key: BAD_HEX });
  assert.ok(problems.every((problem) => !problem.includes(BAD_HEX)));
  assert.equal(out.env.GATEHOUSE_COOKIE_SECRET, undefined);
});

// (input, the variables it must produce)
const good: Array<[Record<string, unknown>, Record<string, string>]> = [
  [{ cache: { type: 'memory', expiration: '2h30m' } }, { GATEHOUSE_CREDENTIAL_TTL: '150m' }],
  [{ cache: { type: 'memory', expiration: '1.5h' } }, { GATEHOUSE_CREDENTIAL_TTL: '90m' }],
  [{ cache: { type: 'memory', expiration: '48h' } }, { GATEHOUSE_CREDENTIAL_TTL: '48h' }],
  [{ cache: { type: 'memory', expiration: '1h0m0s' } }, { GATEHOUSE_CREDENTIAL_TTL: '1h' }],
  [{ cache: { type: 'memory', expiration: '0.5s' } }, { GATEHOUSE_CREDENTIAL_TTL: '500ms' }],
  [{ cache: { type: 'redis', redis_host: '[::1]:6379', redis_db: '3' } }, { GATEHOUSE_SESSION_STORE: 'redis', GATEHOUSE_REDIS_URL: 'redis://[::1]:6379/3' }],
  [{ cache: { type: 'redis', redis_host: '10.0.0.5:6380', redis_db: 15 } }, { GATEHOUSE_REDIS_URL: 'redis://10.0.0.5:6380/15' }],
  [{ oidc: { scopes: 'openid, profile,,groups' } }, { GATEHOUSE_OIDC_SCOPES: 'openid profile groups' }],
  [{ oidc: { scopes: ['openid', 'openid', 'email'], use_pkce: 'true' } }, { GATEHOUSE_OIDC_SCOPES: 'openid email' }],
  [{ oidc: { token_validation: 'userinfo' } }, { GATEHOUSE_BEARER_VALIDATION: 'userinfo' }],
  [{ elasticsearch: { hosts: 'https://a:9200, https://b:9200', dry_run: 'TRUE' } }, { GATEHOUSE_ELASTICSEARCH_HOSTS: 'https://a:9200,https://b:9200', GATEHOUSE_ELASTICSEARCH_DRY_RUN: 'true' }],
  [{ elasticsearch: { dry_run: false } }, { GATEHOUSE_BACKEND: 'elasticsearch', GATEHOUSE_ELASTICSEARCH_DRY_RUN: 'false' }],
  [{ secret_key: 'AB'.repeat(32) }, { GATEHOUSE_COOKIE_SECRET: Buffer.alloc(32, 0xab).toString('base64') }],
  [{ log_level: 'WARNING' }, { GATEHOUSE_LOG_LEVEL: 'warn' }],
  [{ log_level: 'debug' }, { GATEHOUSE_LOG_LEVEL: 'debug' }],
  [{ auth_provider: 'authelia', authelia: { header_username: 'X-Forwarded-User' } }, { GATEHOUSE_AUTH_PROVIDER: 'authelia', GATEHOUSE_TRUSTED_HEADER_USER: 'X-Forwarded-User' }],
];

for (const [doc, expected] of good) {
  test(`translates ${JSON.stringify(doc)}`, () => {
    const { out, problems } = run(doc);
    assert.deepEqual(problems, []);
    for (const [name, value] of Object.entries(expected)) assert.equal(out.env[name], value, name);
  });
}

test('a URI or URN claim name is mapped as one exact claim', () => {
  const { out, problems } = run({
    oidc: { claim_mappings: { groups: 'https://example.com/claims/groups', email: 'urn:oid:0.9.2342.19200300.100.1.3' } },
  });
  assert.deepEqual(problems, []);
  const claims = out.sections.claims as Record<string, unknown>;
  assert.deepEqual(claims.groups, { claim: 'https://example.com/claims/groups' });
  assert.deepEqual(claims.email, { claim: 'urn:oid:0.9.2342.19200300.100.1.3' });
  assert.deepEqual(parseClaimsConfig(claims).problems, []);
});

// (input, the warning it must produce)
const warned: Array<[Record<string, unknown>, RegExp]> = [
  [{ listen: '127.0.0.1:5000' }, /^listen: ignored; gatehouse listens on GATEHOUSE_LISTEN_HOST:GATEHOUSE_PORT/],
  [{ log_format: 'text' }, /^log_format: ignored; gatehouse always logs JSON lines$/],
  [{ enable_metrics: false }, /^enable_metrics: ignored/],
  [{ enableOtel: true }, /^enableOtel: ignored/],
  [{ extend_cache: true }, /^extend_cache: ignored/],
  [{ debug: true }, /^debug: ignored; write log_level: debug/],
  [{ group_whitelist: ['a'] }, /^group_whitelist: ignored/],
  [{ proxy: { enabled: false, timeout: '30s' } }, /^proxy: ignored/],
  [{ oidc: { custom_headers: { 'X-Api-Key': 'k' } } }, /^oidc\.custom_headers: ignored/],
  [{ oidc: { authorization_endpoint: 'https://idp/auth' } }, /^oidc\.authorization_endpoint: ignored/],
  [{ oidc: { client_auth_method: 'client_secret_post' } }, /^oidc\.client_auth_method: ignored/],
  [{ cache: { type: '', expiration: '1h' } }, /^cache\.type: empty means no cache in elastauth; gatehouse keeps credentials in memory$/],
  [{ cache: { type: 'memory', redis_host: 'redis:6379' } }, /^cache\.redis_host, cache\.redis_db: ignored/],
  [{ cache: { type: 'redis' } }, /^cache\.redis_host: not set; give GATEHOUSE_REDIS_URL/],
  [{ cache: { type: 'memory', path: '/var/lib/elastauth' } }, /^cache\.path: ignored/],
  [{ elasticsearch: { hosts: ['http://es:9200'] } }, /^elasticsearch\.hosts\[0\]: plain http sends the Elasticsearch administrator's credentials unencrypted$/],
];

for (const [doc, pattern] of warned) {
  test(`warns about ${JSON.stringify(doc)}`, () => {
    const { out, problems } = run(doc);
    assert.deepEqual(problems, []);
    assert.ok(out.warnings.some((warning) => pattern.test(warning)), out.warnings.join('\n'));
  });
}

test('settings that change nothing bring no warning', () => {
  const { out, problems } = run({ enable_metrics: true, enableOtel: false, extend_cache: false, proxy: { enabled: false }, log_format: 'json' });
  assert.deepEqual(problems, []);
  assert.deepEqual(out.warnings, []);
});

test('translation never throws, whatever the values', () => {
  const value = fc.oneof(fc.anything(), fc.string(), fc.array(fc.string()), fc.dictionary(fc.string(), fc.anything()));
  const section = fc.oneof(value, fc.dictionary(fc.constantFrom('type', 'hosts', 'issuer', 'scopes', 'claim_mappings', 'redis_host', 'enabled', 'header_username'), value));
  fc.assert(
    fc.property(fc.dictionary(fc.constantFrom(...ELASTAUTH_KEYS, 'claims'), section), (doc) => {
      const problems: string[] = [];
      const out = translateElastauth(doc, problems);
      assert.ok(Object.values(out.env).every((v) => typeof v === 'string'));
    }),
  );
});

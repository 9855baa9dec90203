import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { loadConfig } from './load-config.ts';
import { problemsOf, VALID_ENV as valid } from '../../test/support/config-env.ts';


/** A new directory in the system temp folder, removed when test `t` ends. */
function tempDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}


test('a minimal environment gives secure defaults', () => {
  const config = loadConfig(valid);
  assert.equal(config.port, 4180);
  assert.deepEqual(config.oidc?.scopes, ['openid', 'profile', 'email']);
  assert.equal(config.cookie.secure, true);
  assert.equal(config.cookie.name, '__Host-gatehouse', '__Host- prefix when secure without a domain');
  assert.equal(config.sessionStore, 'memory');
  assert.equal(config.oidc?.allowInsecureHttp, false);
  assert.equal(config.login?.postLogoutRedirectUrl?.href, 'https://app.example.com/oauth2/signed_out');
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.cookie));
});

test('a cookie domain or insecure cookies drop the __Host- prefix', () => {
  assert.equal(loadConfig({ ...valid, GATEHOUSE_COOKIE_DOMAIN: '.example.com' }).cookie.name, 'gatehouse');
  assert.equal(loadConfig({ ...valid, GATEHOUSE_COOKIE_SECURE: 'false' }).cookie.name, 'gatehouse');
});

test('every problem is reported at once, each naming its variable', () => {
  const problems = problemsOf({
    GATEHOUSE_OIDC_ISSUER_URL: 'not a url',
    GATEHOUSE_COOKIE_SECRET: 'c2hvcnQ=',
    GATEHOUSE_REDIRECT_URL: 'https://app.example.com/wrong',
    GATEHOUSE_PORT: '70000',
    GATEHOUSE_SESSION_STORE: 'postgres',
    GATEHOUSE_OIDC_SCOPES: 'email',
  });
  for (const name of [
    'GATEHOUSE_OIDC_ISSUER_URL',
    'GATEHOUSE_OIDC_CLIENT_ID',
    'GATEHOUSE_OIDC_CLIENT_SECRET',
    'GATEHOUSE_COOKIE_SECRET',
    'GATEHOUSE_REDIRECT_URL',
    'GATEHOUSE_PORT',
    'GATEHOUSE_SESSION_STORE',
    'GATEHOUSE_OIDC_SCOPES',
  ]) {
    assert.ok(problems.some((p) => p.startsWith(name)), `${name} reported in:\n${problems.join('\n')}`);
  }
  assert.ok(problems.some((p) => p.includes('must be 32 bytes')));
  assert.ok(problems.some((p) => p.includes('must end in /oauth2/callback')));
});

test('cross-field rules: http issuer, equal ports, idle beyond lifetime', () => {
  const problems = problemsOf({
    ...valid,
    GATEHOUSE_OIDC_ISSUER_URL: 'http://idp.local',
    GATEHOUSE_METRICS_PORT: '4180',
    GATEHOUSE_SESSION_IDLE_TIMEOUT: '2d',
    GATEHOUSE_SESSION_MAX_LIFETIME: '1d',
  });
  assert.equal(problems.length, 3, problems.join('\n'));
  assert.ok(loadConfig({ ...valid, GATEHOUSE_OIDC_ISSUER_URL: 'http://idp.local', GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP: 'true' }));
});

test('secrets can come from files, but not from both places', (t) => {
  const dir = tempDir(t, 'gatehouse-config-');
  const file = join(dir, 'secret');
  writeFileSync(file, 'from-file\n');
  const { GATEHOUSE_OIDC_CLIENT_SECRET: _omit, ...rest } = valid;
  assert.equal(loadConfig({ ...rest, GATEHOUSE_OIDC_CLIENT_SECRET_FILE: file }).oidc?.clientSecret, 'from-file');
  assert.ok(problemsOf({ ...valid, GATEHOUSE_OIDC_CLIENT_SECRET_FILE: file })[0]?.includes('both set'));
  assert.ok(problemsOf({ ...rest, GATEHOUSE_OIDC_CLIENT_SECRET_FILE: join(dir, 'missing') })[0]?.includes('ENOENT'));
});

test('several cookie keys rotate: all decoded, first seals', () => {
  const second = Buffer.alloc(32, 9).toString('base64url');
  const config = loadConfig({ ...valid, GATEHOUSE_COOKIE_SECRET: `${valid.GATEHOUSE_COOKIE_SECRET}, ${second}` });
  assert.equal(config.cookie.keys.length, 2);
  assert.deepEqual(config.cookie.keys[1], Buffer.alloc(32, 9));
});

test('no problem message echoes a secret value', () => {
  const secret = 'dGhpcy1pcy1ub3QtMzItYnl0ZXM=';
  const problems = problemsOf({ ...valid, GATEHOUSE_COOKIE_SECRET: secret });
  assert.ok(problems.every((p) => !p.includes(secret)));
});

test('GATEHOUSE_CONFIG_FILE must be readable YAML with known keys', (t) => {
  const dir = tempDir(t, 'gatehouse-file-');
  const write = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  assert.deepEqual(loadConfig({ ...valid, GATEHOUSE_CONFIG_FILE: write('ok.yaml', 'version: 1\n') }).fileSettings, { version: 1 });
  assert.ok(problemsOf({ ...valid, GATEHOUSE_CONFIG_FILE: write('bad.yaml', 'a: [\n') })[0]?.includes('not valid YAML'));
  assert.ok(problemsOf({ ...valid, GATEHOUSE_CONFIG_FILE: write('list.yaml', '- 1\n') })[0]?.includes('mapping'));
  assert.ok(problemsOf({ ...valid, GATEHOUSE_CONFIG_FILE: write('typo.yaml', 'polices: {}\n') })[0]?.includes('unknown key "polices"'));
  assert.ok(problemsOf({ ...valid, GATEHOUSE_CONFIG_FILE: join(dir, 'nope.yaml') })[0]?.includes('ENOENT'));
});

test('the identity sections are checked with the environment, every problem at once', (t) => {
  const dir = tempDir(t, 'gatehouse-identity-');
  const file = join(dir, 'config.yaml');
  writeFileSync(
    file,
    [
      "claims: { username: { path: email, pattern: '([^@]+)@example\\.com' } }",
      'group_mappings: { admins: superuser }',
      'role_mappings: { m: { enabled: true, roles: [r], rules: { except: { field: { username: x } } } } }',
      'policies: { p: { rolez: [a] } }',
      'headers: { claims: { encoding: rot13 } }',
    ].join('\n'),
  );
  const problems = problemsOf({ ...valid, GATEHOUSE_PORT: 'x', GATEHOUSE_CONFIG_FILE: file });
  assert.equal(problems.length, 6, problems.join('\n'));
  assert.ok(problems.some((problem) => problem.startsWith('GATEHOUSE_PORT')));
  for (const section of ['claims.username', 'group_mappings.admin', 'role_mappings', 'policies', 'headers.claims.encoding']) {
    assert.ok(problems.some((problem) => problem.startsWith(section)), section);
  }
  writeFileSync(file, 'group_mappings: { admins: [superuser] }\npolicies: { p: { roles: [superuser] } }\n');
  const config = loadConfig({ ...valid, GATEHOUSE_CONFIG_FILE: file });
  assert.deepEqual([...config.identity.policies.keys()], ['p']);
  assert.deepEqual(config.identity.roles.groupMappings.get('admins'), ['superuser']);
});

test('redis: exactly one mode, valid URL and nodes', () => {
  const redis = { ...valid, GATEHOUSE_SESSION_STORE: 'redis' };
  const standalone = loadConfig({ ...redis, GATEHOUSE_REDIS_URL: 'rediss://user:pw@redis.local:6380/2' }).redis;
  assert.equal(standalone?.mode, 'standalone');
  assert.equal(standalone?.tls, true);
  assert.equal(standalone?.keyPrefix, 'gatehouse:');
  assert.equal(standalone?.localTtlMs, 1000);
  assert.equal(loadConfig({ ...redis, GATEHOUSE_REDIS_URL: 'redis://r', GATEHOUSE_REDIS_LOCAL_TTL: '0' }).redis?.localTtlMs, 0);
  assert.ok(problemsOf({ ...redis, GATEHOUSE_REDIS_URL: 'redis://r', GATEHOUSE_REDIS_LOCAL_TTL: '5m' })[0]?.includes('at most 60s'));
  const sentinel = loadConfig({ ...redis, GATEHOUSE_REDIS_SENTINELS: 's1:26379, [::1]:26380', GATEHOUSE_REDIS_SENTINEL_MASTER: 'mymaster' }).redis;
  assert.deepEqual(sentinel?.sentinels, [{ host: 's1', port: 26379 }, { host: '::1', port: 26380 }]);
  assert.equal(loadConfig({ ...redis, GATEHOUSE_REDIS_CLUSTER_NODES: 'r0:6379,r1:6379' }).redis?.mode, 'cluster');
  assert.equal(loadConfig(valid).redis, undefined);
  assert.ok(problemsOf(redis)[0]?.includes('exactly one of'));
  assert.ok(problemsOf({ ...redis, GATEHOUSE_REDIS_URL: 'http://x' }).some((p) => p.includes('GATEHOUSE_REDIS_URL must be')));
  assert.ok(problemsOf({ ...redis, GATEHOUSE_REDIS_SENTINELS: 's1' }).some((p) => p.includes('not host:port')));
  assert.ok(problemsOf({ ...redis, GATEHOUSE_REDIS_SENTINELS: 's1:1' }).some((p) => p.includes('SENTINEL_MASTER is required')));
});

test('a config file that is not YAML is reported as exactly that, with line and column, and nothing else', (t) => {
  const file = join(tempDir(t, 'gatehouse-yaml-'), 'config.yml');
  // An elastauth file indented one space too far: it would have set the provider, issuer and client.
  writeFileSync(file, 'auth_provider: oidc\noidc:\n  issuer: https://idp.example.com\n   client_id: gatehouse\n');
  assert.deepEqual(problemsOf({ GATEHOUSE_CONFIG_FILE: file }), [
    `GATEHOUSE_CONFIG_FILE: ${file} is not valid YAML: line 3, column 11: Nested mappings are not allowed in compact mappings`,
  ]);
  writeFileSync(file, 'policies: {}\npolicies: {}\n');
  assert.deepEqual(problemsOf({ ...valid, GATEHOUSE_CONFIG_FILE: file }), [
    `GATEHOUSE_CONFIG_FILE: ${file} is not valid YAML: line 2, column 1: Map keys must be unique`,
  ]);
  writeFileSync(file, '- a list\n');
  assert.equal(problemsOf({ GATEHOUSE_CONFIG_FILE: file }).length, 1, 'a file that is not a mapping is one problem too');
});

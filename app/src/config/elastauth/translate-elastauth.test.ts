// The fixtures are the three examples of elastauth's "Core Concepts" documentation page
// (Configuration Examples), copied verbatim: each must expand and translate without a problem.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { parseClaimsConfig } from '../../identity/claims/parse-claims-config.ts';
import { expandEnvRefs } from './expand-env-refs.ts';
import { translateElastauth, type Translation } from './translate-elastauth.ts';

const SECRET_HEX = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

function load(name: string, env: Record<string, string>): { out: Translation; problems: string[] } {
  const problems: string[] = [];
  const doc = parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
  const expanded = expandEnvRefs(doc, env, problems);
  return { out: translateElastauth(expanded, problems), problems };
}

test('basic Authelia example', () => {
  const { out, problems } = load('basic-authelia.yaml', { ELASTICSEARCH_PASSWORD: 'es-pass' });
  assert.deepEqual(problems, []);
  assert.deepEqual(out.env, {
    GATEHOUSE_AUTH_PROVIDER: 'authelia',
    GATEHOUSE_TRUSTED_HEADER_USER: 'Remote-User',
    GATEHOUSE_TRUSTED_HEADER_GROUPS: 'Remote-Groups',
    GATEHOUSE_TRUSTED_HEADER_EMAIL: 'Remote-Email',
    GATEHOUSE_TRUSTED_HEADER_NAME: 'Remote-Name',
    GATEHOUSE_SESSION_STORE: 'memory',
    GATEHOUSE_CREDENTIAL_TTL: '1h',
    GATEHOUSE_BACKEND: 'elasticsearch',
    GATEHOUSE_ELASTICSEARCH_HOSTS: 'https://elasticsearch:9200',
    GATEHOUSE_ELASTICSEARCH_USERNAME: 'elastauth',
    GATEHOUSE_ELASTICSEARCH_PASSWORD: 'es-pass',
  });
  assert.deepEqual(out.sections, {
    default_roles: ['kibana_user'],
    group_mappings: { admin: ['kibana_admin', 'superuser'] },
  });
  assert.equal(out.warnings.length, 1);
  assert.match(out.warnings[0] ?? '', /^auth_provider: authelia headers are trusted only from/);
});

test('OIDC with Redis example', () => {
  const { out, problems } = load('oidc-redis.yaml', { OIDC_CLIENT_SECRET: 'client-secret', ELASTICSEARCH_PASSWORD: 'es-pass' });
  assert.deepEqual(problems, []);
  assert.deepEqual(out.env, {
    GATEHOUSE_AUTH_PROVIDER: 'oidc',
    GATEHOUSE_OIDC_ISSUER_URL: 'https://keycloak.example.com/realms/myrealm',
    GATEHOUSE_OIDC_CLIENT_ID: 'elastauth',
    GATEHOUSE_OIDC_CLIENT_SECRET: 'client-secret',
    GATEHOUSE_OIDC_SCOPES: 'openid profile email roles',
    GATEHOUSE_BEARER_VALIDATION: 'jwks',
    GATEHOUSE_SESSION_STORE: 'redis',
    GATEHOUSE_CREDENTIAL_TTL: '2h',
    GATEHOUSE_REDIS_URL: 'redis://redis:6379/0',
    GATEHOUSE_BACKEND: 'elasticsearch',
    GATEHOUSE_ELASTICSEARCH_HOSTS: 'https://es1.example.com:9200,https://es2.example.com:9200,https://es3.example.com:9200',
    GATEHOUSE_ELASTICSEARCH_USERNAME: 'elastauth',
    GATEHOUSE_ELASTICSEARCH_PASSWORD: 'es-pass',
  });
  assert.deepEqual(out.sections, {
    claims: {
      username: { path: 'preferred_username' },
      email: { path: 'email' },
      groups: { path: 'realm_access.roles' },
      name: { path: 'name' },
    },
    default_roles: ['kibana_user'],
    group_mappings: {
      admin: ['kibana_admin', 'superuser'],
      developers: ['kibana_user', 'dev_role'],
      analysts: ['kibana_user', 'read_only'],
    },
  });
  assert.deepEqual(out.warnings, []);
  const parsed = parseClaimsConfig(out.sections.claims);
  assert.deepEqual(parsed.problems, []);
  assert.equal(parsed.config.groups?.source.label, 'realm_access.roles');
});

test('production multi-instance example', () => {
  const env = {
    OIDC_CLIENT_SECRET: 'client-secret',
    REDIS_HOST: 'redis-master.cache.svc:6380',
    ELASTICSEARCH_HOST_1: 'https://es-0.es:9200',
    ELASTICSEARCH_HOST_2: 'https://es-1.es:9200',
    ELASTICSEARCH_HOST_3: 'https://es-2.es:9200',
    ELASTICSEARCH_USERNAME: 'provisioner',
    ELASTICSEARCH_PASSWORD: 'es-pass',
    SECRET_KEY: SECRET_HEX,
  };
  const { out, problems } = load('production-multi-instance.yaml', env);
  assert.deepEqual(problems, []);
  assert.deepEqual(out.env, {
    GATEHOUSE_AUTH_PROVIDER: 'oidc',
    GATEHOUSE_OIDC_ISSUER_URL: 'https://auth.company.com',
    GATEHOUSE_OIDC_CLIENT_ID: 'elastauth-prod',
    GATEHOUSE_OIDC_CLIENT_SECRET: 'client-secret',
    GATEHOUSE_OIDC_SCOPES: 'openid profile email groups',
    GATEHOUSE_BEARER_VALIDATION: 'both',
    GATEHOUSE_SESSION_STORE: 'redis',
    GATEHOUSE_CREDENTIAL_TTL: '4h',
    GATEHOUSE_REDIS_URL: 'redis://redis-master.cache.svc:6380/0',
    GATEHOUSE_BACKEND: 'elasticsearch',
    GATEHOUSE_ELASTICSEARCH_HOSTS: 'https://es-0.es:9200,https://es-1.es:9200,https://es-2.es:9200',
    GATEHOUSE_ELASTICSEARCH_USERNAME: 'provisioner',
    GATEHOUSE_ELASTICSEARCH_PASSWORD: 'es-pass',
    GATEHOUSE_COOKIE_SECRET: Buffer.from(SECRET_HEX, 'hex').toString('base64'),
  });
  assert.equal(Buffer.from(out.env.GATEHOUSE_COOKIE_SECRET ?? '', 'base64').length, 32);
  assert.deepEqual(out.sections.claims, {
    username: { path: 'preferred_username' },
    email: { path: 'email' },
    groups: { path: 'groups' },
    name: { path: 'name' },
  });
  assert.deepEqual(Object.keys(out.sections.group_mappings as object), ['platform-admin', 'data-engineers', 'data-analysts', 'monitoring']);
  assert.deepEqual(out.warnings, []);
});

test('each example names exactly the variables it needs when they are missing', () => {
  assert.deepEqual(load('production-multi-instance.yaml', {}).problems, [
    'oidc.client_secret: ${OIDC_CLIENT_SECRET} is not set',
    'cache.redis_host: ${REDIS_HOST} is not set',
    'elasticsearch.hosts[0]: ${ELASTICSEARCH_HOST_1} is not set',
    'elasticsearch.hosts[1]: ${ELASTICSEARCH_HOST_2} is not set',
    'elasticsearch.hosts[2]: ${ELASTICSEARCH_HOST_3} is not set',
    'elasticsearch.username: ${ELASTICSEARCH_USERNAME} is not set',
    'elasticsearch.password: ${ELASTICSEARCH_PASSWORD} is not set',
    'secret_key: ${SECRET_KEY} is not set',
    // The one consequence reported: with every item unresolved, no host is left.
    'elasticsearch.hosts: needs at least one host',
  ]);
});

test('a gatehouse-native file keeps gatehouse defaults', () => {
  const problems: string[] = [];
  const out = translateElastauth({ version: 1, default_roles: ['viewer'], claims: { username: 'email' } }, problems);
  assert.deepEqual(problems, []);
  assert.deepEqual(out, { env: {}, sections: { default_roles: ['viewer'] }, warnings: [] });
});

test("an elastauth file without auth_provider gets elastauth's default, with a warning", () => {
  const problems: string[] = [];
  const out = translateElastauth({ elasticsearch: { hosts: 'https://es:9200' } }, problems);
  assert.deepEqual(problems, []);
  assert.equal(out.env.GATEHOUSE_AUTH_PROVIDER, 'authelia');
  assert.match(out.warnings[0] ?? '', /^auth_provider: not set; elastauth's default, authelia, applies/);
});

test('the oidc section alone brings elastauth claim defaults; a native claims section wins', () => {
  const problems: string[] = [];
  const claims = translateElastauth({ auth_provider: 'oidc', oidc: { client_id: 'x' } }, problems).sections.claims;
  assert.deepEqual(claims, {
    username: { path: 'preferred_username' },
    email: { path: 'email' },
    groups: { path: 'groups' },
    name: { path: 'name' },
  });
  const native = translateElastauth({ oidc: { client_id: 'x' }, claims: {} }, problems);
  assert.equal(native.sections.claims, undefined);
  assert.deepEqual(problems, []);
});

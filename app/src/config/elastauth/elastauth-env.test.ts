import assert from 'node:assert/strict';
import { test } from 'node:test';
import { overlayElastauthEnv } from './elastauth-env.ts';
import { translateElastauth } from './translate-elastauth.ts';

test('ELASTAUTH_* variables override the file, key by key', () => {
  const file = { auth_provider: 'authelia', elasticsearch: { hosts: ['https://a:9200'], username: 'elastauth' }, cache: { type: 'memory' } };
  const { doc, warnings } = overlayElastauthEnv(file, {
    ELASTAUTH_AUTH_PROVIDER: 'oidc',
    ELASTAUTH_ELASTICSEARCH_PASSWORD: 'from-env',
    ELASTAUTH_ELASTICSEARCH_HOSTS: 'https://b:9200,https://c:9200',
    ELASTAUTH_OIDC_CLAIM_MAPPINGS_FULL_NAME: 'display_name',
    ELASTAUTH_DEFAULT_ROLES: 'viewer, reader',
    ELASTAUTH_GROUP_MAPPINGS_ADMINS: 'superuser,kibana_admin',
    ELASTAUTH_CACHE_TYPE: '',
    PATH: '/usr/bin',
  });
  assert.deepEqual(warnings, []);
  assert.deepEqual(doc, {
    auth_provider: 'oidc',
    elasticsearch: { hosts: 'https://b:9200,https://c:9200', username: 'elastauth', password: 'from-env' },
    cache: { type: 'memory' },
    oidc: { claim_mappings: { full_name: 'display_name' } },
    default_roles: ['viewer', 'reader'],
    group_mappings: { admins: ['superuser', 'kibana_admin'] },
  });
  assert.deepEqual(file.elasticsearch, { hosts: ['https://a:9200'], username: 'elastauth' });
  const problems: string[] = [];
  const out = translateElastauth(doc, problems);
  assert.deepEqual(problems, []);
  assert.equal(out.env.GATEHOUSE_ELASTICSEARCH_HOSTS, 'https://b:9200,https://c:9200');
  assert.equal(out.env.GATEHOUSE_ELASTICSEARCH_PASSWORD, 'from-env');
});

test('unknown ELASTAUTH_* variables are warned about, and a __proto__ group stays a plain key', () => {
  const { doc, warnings } = overlayElastauthEnv({}, { ELASTAUTH_OIDC_AUDIENCE: 'x', ELASTAUTH_GROUP_MAPPINGS___PROTO__: 'superuser' });
  assert.deepEqual(warnings, ['ELASTAUTH_OIDC_AUDIENCE: ignored; elastauth has no such setting, or gatehouse reads it from its own variable']);
  const mappings = doc.group_mappings as Record<string, unknown>;
  assert.ok(Object.hasOwn(mappings, '__proto__'));
  assert.equal(({} as Record<string, unknown>).superuser, undefined);
});

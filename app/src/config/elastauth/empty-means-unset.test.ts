import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropEmptyElastauthValues } from './empty-means-unset.ts';
import { translateElastauth } from './translate-elastauth.ts';

function run(doc: Record<string, unknown>) {
  const problems: string[] = [];
  const out = translateElastauth({ auth_provider: 'oidc', ...doc }, problems);
  return { out, problems };
}

// An empty value under an elastauth key reads as absent: (document, what must then hold)
const table: Array<[Record<string, unknown>, (out: ReturnType<typeof run>['out']) => void]> = [
  [{ oidc: { userinfo_endpoint: '', jwks_uri: '', authorization_endpoint: '', token_endpoint: '' } }, (out) => assert.deepEqual(out.warnings, [])],
  [{ oidc: { client_auth_method: '', token_validation: '' } }, (out) => assert.equal(out.env.GATEHOUSE_BEARER_VALIDATION, undefined)],
  [{ oidc: { issuer: 'https://idp.example.com', claim_mappings: { username: '' } } }, (out) => assert.deepEqual((out.sections.claims as Record<string, unknown>).username, { path: 'preferred_username' })],
  [{ authelia: { header_email: '' } }, (out) => assert.equal(out.env.GATEHOUSE_TRUSTED_HEADER_EMAIL, undefined)],
  [{ elasticsearch: { password: '' } }, (out) => assert.equal(out.env.GATEHOUSE_ELASTICSEARCH_PASSWORD, undefined)],
  [{ secret_key: '' }, (out) => assert.equal(out.env.GATEHOUSE_COOKIE_SECRET, undefined)],
  [{ log_level: '', log_format: '', listen: '' }, (out) => assert.deepEqual(out.warnings, [])],
  [{ proxy: { enabled: false, elasticsearch_url: '', tls: { ca_cert: '' } } }, (out) => assert.deepEqual(out.warnings, [])],
];

for (const [doc, check] of table) {
  test(`${JSON.stringify(doc)} is as if unset`, () => {
    const { out, problems } = run(doc);
    assert.deepEqual(problems, []);
    check(out);
  });
}

test('a value that is set is still checked: only the empty string means unset', () => {
  assert.match(run({ oidc: { jwks_uri: 'https://idp/certs' } }).problems[0] ?? '', /^oidc\.jwks_uri: overrides are not supported/);
  assert.match(run({ oidc: { jwks_uri: ' ' } }).problems[0] ?? '', /^oidc\.jwks_uri: overrides are not supported/);
});

test('a section of placeholders only is as if absent', () => {
  assert.deepEqual(dropEmptyElastauthValues({ cache: { type: '', path: '' }, oidc: { claim_mappings: { username: '' } } }), {});
  assert.deepEqual(dropEmptyElastauthValues({ proxy: {} }), { proxy: {} }, 'a mapping written empty stays as written');
});

test('list items, group mappings and keys gatehouse owns are kept as written', () => {
  const doc = {
    elasticsearch: { hosts: ['https://es:9200', ''] },
    group_mappings: { admins: '' },
    claims: { username: '' },
    oidc: { issuer: '', scopes: ['openid'] },
  };
  assert.deepEqual(dropEmptyElastauthValues(doc), {
    elasticsearch: { hosts: ['https://es:9200', ''] },
    group_mappings: { admins: '' },
    claims: { username: '' },
    oidc: { scopes: ['openid'] },
  });
  assert.deepEqual(run({ elasticsearch: { hosts: ['https://es:9200', ''] } }).problems, ['elasticsearch.hosts[1]: is empty']);
});

test('a key named __proto__ stays an own key and never reaches the prototype', () => {
  const doc = JSON.parse('{"oidc": {"__proto__": {"polluted": true}, "issuer": ""}}') as Record<string, unknown>;
  const out = dropEmptyElastauthValues(doc);
  assert.ok(Object.hasOwn(out.oidc as object, '__proto__'));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

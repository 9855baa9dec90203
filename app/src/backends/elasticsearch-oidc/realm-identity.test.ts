import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identityFromAuthentication } from './realm-identity.ts';

test("the identity is what Elasticsearch's realm decided: principal, roles as groups, the provider's claims from metadata", () => {
  // The authentication object as the authenticate and get-token APIs answer it.
  const mapped = identityFromAuthentication({
    username: 'alice',
    roles: ['kibana_admin', 'viewer'],
    full_name: 'Alice Admin',
    email: 'alice@example.com',
    metadata: {
      'oidc(sub)': 'f3a1-subject',
      'oidc(preferred_username)': 'alice',
      'oidc(groups)': ['admins', 'devs'],
      'oidc(nonce)': 'n-0S6_WzA2Mj',
      'oidc(aud)': ['elasticsearch-rp'],
      'oidc(id_token_hint)': 'eyJhbGciOiJSUzI1NiJ9.e30.sig',
      ldap_dn: 'cn=alice,dc=example,dc=com',
    },
    enabled: true,
    authentication_realm: { name: 'oidc1', type: 'oidc' },
    lookup_realm: { name: 'oidc1', type: 'oidc' },
    authentication_type: 'realm',
  });
  assert.ok(mapped.ok);
  assert.deepEqual(mapped.identity, {
    sub: 'f3a1-subject',
    user: 'alice',
    email: 'alice@example.com',
    groups: ['kibana_admin', 'viewer'],
    preferredUsername: 'alice',
    name: 'Alice Admin',
    dn: undefined,
    claims: { sub: 'f3a1-subject', preferred_username: 'alice', groups: ['admins', 'devs'] },
  });
});

test('null fields and a realm without metadata give an identity without them; no username gives none', () => {
  const bare = identityFromAuthentication({ username: 'bob', roles: [], full_name: null, email: null, metadata: {} });
  assert.ok(bare.ok);
  assert.deepEqual([bare.identity.sub, bare.identity.email, bare.identity.name, bare.identity.groups], ['bob', undefined, undefined, []]);
  assert.deepEqual(identityFromAuthentication({ username: 'carol' }).ok, true, 'the older answer with only a username');
  for (const broken of [{}, { username: '' }, { username: 7 }, { username: null, roles: ['superuser'] }]) {
    const result = identityFromAuthentication(broken);
    assert.equal(result.ok, false);
    if (!result.ok) assert.equal(result.problem, 'Elasticsearch named no username');
  }
  const odd = identityFromAuthentication({ username: 'dora', roles: ['ok', 3, null], metadata: ['not', 'an', 'object'] });
  assert.ok(odd.ok);
  assert.deepEqual([odd.identity.groups, odd.identity.claims], [['ok'], {}]);
});

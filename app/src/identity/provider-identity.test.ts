import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Identity } from '../session/session-record.ts';
import { parseIdentityConfig } from './identity-config.ts';
import { buildIdentityView } from './identity-view.ts';

const FILE = {
  claims: { username: 'preferred_username' },
  group_mappings: { admins: ['staff_admin'] },
  default_roles: ['staff_reader'],
  role_mappings: { partners: { enabled: true, roles: ['from_rule'], rules: { field: { 'realm.name': 'partners' } } } },
  providers: [
    { id: 'partners', issuer: 'https://p.example.org', group_mappings: { admins: ['partner_admin'] } },
    { id: 'b2b', issuer: 'https://b.example.net', claims: { username: 'email' }, default_roles: [], realm_name: 'gatehouse' },
  ],
};

const identity = (provider?: string): Identity => ({
  sub: 's',
  user: 'u',
  email: undefined,
  groups: ['admins'],
  preferredUsername: undefined,
  name: undefined,
  dn: undefined,
  claims: {},
  ...(provider !== undefined && { provider }),
});

test("a provider's keys replace the top-level ones, the rest are the top level's, and realm.name is its id", () => {
  const problems: string[] = [];
  const config = parseIdentityConfig(FILE, problems);
  assert.deepEqual(problems, []);
  const partners = config.providers.get('partners');
  const b2b = config.providers.get('b2b');
  assert.equal(partners?.claims, config.claims, 'no claims of its own: the top-level mapping');
  assert.equal(partners?.roles.realmName, 'partners');
  assert.deepEqual(partners?.roles.defaultRoles, ['staff_reader'], 'default_roles it left out are the top level');
  assert.notEqual(b2b?.claims, config.claims);
  assert.deepEqual(b2b?.roles.defaultRoles, []);
  assert.equal(b2b?.roles.realmName, 'gatehouse');
  assert.deepEqual(buildIdentityView(identity(), config).roles, ['staff_admin']);
  assert.deepEqual(buildIdentityView(identity('partners'), config).roles, ['partner_admin', 'from_rule'], 'its group mapping, and the rule on realm.name');
  assert.deepEqual(buildIdentityView(identity('b2b'), config).roles, ['staff_admin']);
  assert.deepEqual(buildIdentityView(identity('gone'), config).roles, [], 'a provider no longer listed gives no role');
});

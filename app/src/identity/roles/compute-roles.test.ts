import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { parseIdentityConfig } from '../identity-config.ts';
import { computeRoles, type RoleSubject } from './compute-roles.ts';

function settings(yaml: string) {
  const problems: string[] = [];
  const config = parseIdentityConfig(parse(yaml) ?? {}, problems);
  assert.deepEqual(problems, []);
  return config.roles;
}

const alice: RoleSubject = { user: 'alice', groups: ['Admin', 'devs'], claims: { department: 'eng' } };
const nobody: RoleSubject = { user: 'nobody', groups: ['guests'], claims: {} };

const ELASTAUTH = `
default_roles: [kibana_user]
group_mappings:
  admin: [kibana_admin, superuser]
  DEVS: [kibana_user, dev_role]
`;

// (config snippet, subject) → roles
const table: Array<[string, string, RoleSubject, string[]]> = [
  ['group names match case-insensitively; roles deduplicated in order', ELASTAUTH, alice, ['kibana_admin', 'superuser', 'kibana_user', 'dev_role']],
  ['fallback: default roles only when nothing matched', ELASTAUTH, nobody, ['kibana_user']],
  ['always: default roles added to matched roles', `${ELASTAUTH}\ndefault_roles_mode: always`, { ...alice, groups: ['admin'] }, ['kibana_admin', 'superuser', 'kibana_user']],
  ['always: default roles alone when nothing matched', `${ELASTAUTH}\ndefault_roles_mode: always`, nobody, ['kibana_user']],
  ['no settings: no roles', '', alice, []],
  [
    'role_mappings union with group_mappings',
    `${ELASTAUTH}
role_mappings:
  engineers:
    enabled: true
    roles: [eng_reader, kibana_user]
    rules: { field: { "metadata.oidc(department)": eng } }
  disabled:
    enabled: false
    roles: [never]
    rules: { field: { username: "*" } }`,
    { ...alice, groups: [] },
    ['eng_reader', 'kibana_user'],
  ],
  [
    'a role mapping counts as a match: fallback defaults stay out',
    `default_roles: [fallback_role]
role_mappings:
  everyone:
    enabled: true
    roles: [basic]
    rules: { field: { username: "*" } }`,
    nobody,
    ['basic'],
  ],
  [
    'realm.name is the configured realm',
    `realm_name: corp
role_mappings:
  corp:
    enabled: true
    roles: [corp_user]
    rules: { field: { realm.name: corp } }`,
    nobody,
    ['corp_user'],
  ],
  [
    'dn rules see the mapped dn',
    `role_mappings:
  staff:
    enabled: true
    roles: [staff]
    rules: { field: { dn: "*,ou=staff,dc=example,dc=com" } }`,
    { ...nobody, dn: 'CN=Nobody,OU=Staff,DC=example,DC=com' },
    ['staff'],
  ],
];

for (const [name, yaml, subject, roles] of table) {
  test(`roles: ${name}`, () => {
    assert.deepEqual(computeRoles(settings(yaml), subject).roles, roles);
  });
}

test('role settings report every problem at once, naming the path', () => {
  const problems: string[] = [];
  parseIdentityConfig(
    parse(`
group_mappings:
  admin: superuser
  ops: ["", "ok"]
  Ops: [x]
default_roles: [" padded"]
default_roles_mode: sometimes
`),
    problems,
  );
  assert.deepEqual(problems, [
    'group_mappings.admin: must be a list of role names',
    'group_mappings.ops[0]: must be a non-empty string',
    'default_roles[0]: has leading or trailing spaces',
    'default_roles_mode: must be one of fallback, always (got "sometimes")',
  ]);
});

test('two spellings of one group are refused', () => {
  const problems: string[] = [];
  parseIdentityConfig({ group_mappings: { Admin: ['a'], admin: ['b'] } }, problems);
  assert.match(problems[0] ?? '', /already mapped under another spelling/);
});

test('computeRoles never throws and never returns duplicates', () => {
  const config = settings(`${ELASTAUTH}
role_mappings:
  m:
    enabled: true
    roles: [r]
    rules: { any: [ { field: { groups: "/adm.*/" } }, { field: { "metadata.oidc(x)": [1, null, true] } } ] }`);
  fc.assert(
    fc.property(fc.string(), fc.array(fc.string()), fc.dictionary(fc.string(), fc.jsonValue()), fc.option(fc.string()), (user, groups, claims, dn) => {
      const { roles } = computeRoles(config, { user, groups, claims, dn: dn ?? undefined });
      assert.equal(new Set(roles).size, roles.length);
    }),
    { numRuns: 1000 },
  );
});

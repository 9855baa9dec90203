import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PolicyQueryError } from '../query-policy.ts';
import type { PolicySubject } from './evaluate-policy.ts';
import { evaluateExtendedQuery, parseExtendedQuery } from './extended-query.ts';
import { parsePolicies } from './parse-policies.ts';
import { requestFacts, type FactHeaders } from './request-facts.ts';

const { policies } = parsePolicies({
  'admin-area': { groups: ['admins'], paths: ['/admin'] },
  'from-office': { source_networks: ['10.0.0.0/8'] },
});

const subject = (roles: string[], groups: string[] = []): PolicySubject => ({
  user: 'u',
  email: 'u@example.com',
  groups,
  roles,
  claims: {},
});
const admin: FactHeaders = { 'x-original-url': 'http://h/admin/x', 'x-real-ip': '10.0.0.1' };

// (query, subject, headers) → (allow, reasons)
const table: Array<[string, PolicySubject, FactHeaders, boolean, string[]]> = [
  ['', subject([]), {}, true, ['no-policy']],
  ['role=A', subject(['A']), {}, true, ['role-ok']],
  ['role=A', subject(['a']), {}, false, ['role-unauthorized']],
  ['role=A|B', subject(['B']), {}, true, ['role-ok']],
  ['role=A|B&role=C', subject(['A', 'C']), {}, true, ['role-ok']],
  ['role=A|B&role=C', subject(['B', 'C']), {}, true, ['role-ok']],
  ['role=A|B&role=C', subject(['A', 'B']), {}, false, ['role-unauthorized']],
  ['role=A|B&role=C', subject(['C']), {}, false, ['role-unauthorized']],
  ['role=A&role=A', subject(['A']), {}, true, ['role-ok']],
  ['role=A%7CB', subject(['B']), {}, true, ['role-ok']],
  ['allowed_roles=A,B', subject(['B']), {}, true, ['role-ok']],
  ['allowed_roles=A,B', subject(['C']), {}, false, ['role-unauthorized']],
  ['allowed_roles=A&allowed_roles=B', subject(['B']), {}, false, ['role-unauthorized']],
  ['allowed_roles=', subject(['A']), {}, false, ['role-unauthorized']],
  ['allowed_groups=admins&role=A', subject(['A'], ['admins']), {}, true, ['group-ok', 'role-ok']],
  ['allowed_groups=admins&role=A', subject(['A'], ['users']), {}, false, ['group-unauthorized']],
  ['allowed_groups=admins&allowed_groups=users&role=A', subject(['A'], ['users']), {}, false, ['group-unauthorized']],
  ['allowed_email_domains=example.com&allowed_roles=A', subject(['A']), {}, true, ['role-ok', 'email-domain-ok']],
  ['policy=admin-area', subject([], ['admins']), admin, true, ['group-ok', 'path-ok']],
  ['policy=admin-area', subject([], ['admins']), {}, false, ['request-facts-invalid']],
  ['policy=admin-area', subject([], ['admins']), { 'x-original-url': 'http://h/public/../admin' }, true, ['group-ok', 'path-ok']],
  ['policy=admin-area&policy=from-office', subject([], ['admins']), { 'x-original-url': 'http://h/admin' }, true, ['group-ok', 'path-ok']],
  ['policy=from-office&role=Ops', subject(['Ops']), admin, true, ['role-ok', 'network-ok']],
  ['policy=from-office&role=Ops', subject([]), admin, false, ['role-unauthorized']],
  ['policy=from-office&role=Ops', subject([]), {}, false, ['role-unauthorized', 'request-facts-invalid']],
];

for (const [query, who, headers, allow, reasons] of table) {
  test(`?${query} for roles ${who.roles.join('|')} groups ${who.groups.join('|')}`, () => {
    const parsed = parseExtendedQuery(query, policies);
    assert.deepEqual(evaluateExtendedQuery(parsed, who, requestFacts(headers)), { allow, reasons });
  });
}

test('parsed structure', () => {
  const parsed = parseExtendedQuery('role=A|B&role=C&allowed_roles=x,y&policy=from-office&allowed_groups=g', policies);
  assert.deepEqual(parsed.roleRequirements, [['A', 'B'], ['C']]);
  assert.deepEqual(parsed.allowedRoles, ['x', 'y']);
  assert.equal(parsed.policy?.name, 'from-office');
  assert.deepEqual(parsed.base.allowedGroups, ['g']);
});

const errors = ['policy=nope', 'policy=', 'role=', 'role=|', 'rol=A', 'allowed_roles=%zz', `role=${'A'.repeat(5000)}`];
for (const query of errors) {
  test(`?${query.slice(0, 40)} is a PolicyQueryError`, () => {
    assert.throws(() => parseExtendedQuery(query, policies), PolicyQueryError);
  });
}

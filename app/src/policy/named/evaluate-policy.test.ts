import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluatePolicy, type PolicySubject } from './evaluate-policy.ts';
import { parsePolicies } from './parse-policies.ts';
import { requestFacts, type FactHeaders } from './request-facts.ts';

const alice: PolicySubject = {
  user: 'alice',
  email: 'Alice@Example.com',
  groups: ['admins', 'devs'],
  roles: ['Admin', 'Reader'],
  claims: { org: { team: 'core', level: 3, verified: true }, tags: ['a', 'b'], tier: '1' },
};
const bob: PolicySubject = { user: 'bob', email: 'bob@example.org', groups: ['users'], roles: [], claims: {} };
const multiAt: PolicySubject = { ...bob, email: 'victim@example.com@evil.example' };
const noEmail: PolicySubject = { user: 'carol', groups: [], roles: [], claims: {} };

const url = (path: string): FactHeaders => ({ 'x-original-url': `http://app.localtest:8080${path}` });
const get: FactHeaders = { 'x-original-method': 'GET', 'x-real-ip': '10.1.2.3', ...url('/admin/x') };
const none: FactHeaders = {};

// (policy conditions, subject, request headers) → (allow, reasons)
const table: Array<[Record<string, unknown>, PolicySubject, FactHeaders, boolean, string[]]> = [
  [{}, bob, none, true, ['no-policy']],
  [{ groups: ['admins'] }, alice, none, true, ['group-ok']],
  [{ groups: ['ops', 'devs'] }, alice, none, true, ['group-ok']],
  [{ groups: ['Admins'] }, alice, none, false, ['group-unauthorized']],
  [{ roles: ['Admin'] }, alice, none, true, ['role-ok']],
  [{ roles: ['admin'] }, alice, none, false, ['role-unauthorized']],
  [{ roles: ['Admin'] }, bob, none, false, ['role-unauthorized']],
  [{ emails: ['alice@example.com'] }, alice, none, true, ['email-ok']],
  [{ emails: ['alice@example.com'] }, bob, none, false, ['email-unauthorized']],
  [{ email_domains: ['EXAMPLE.com'] }, alice, none, true, ['email-domain-ok']],
  [{ email_domains: ['example.com'] }, bob, none, false, ['email-domain-unauthorized']],
  [{ email_domains: ['example.com'] }, multiAt, none, false, ['email-invalid']],
  [{ email_domains: ['evil.example'] }, multiAt, none, false, ['email-invalid']],
  [{ emails: ['carol@example.com'] }, noEmail, none, false, ['email-invalid']],
  [{ claims: { 'org.team': { equals: 'core' } } }, alice, none, true, ['claim-ok']],
  [{ claims: { 'org.team': { equals: 'infra' } } }, alice, none, false, ['claim-unauthorized']],
  [{ claims: { 'org.level': { one_of: [2, 3] } } }, alice, none, true, ['claim-ok']],
  [{ claims: { 'org.level': { equals: '3' } } }, alice, none, false, ['claim-unauthorized']],
  [{ claims: { 'org.verified': { equals: true } } }, alice, none, true, ['claim-ok']],
  [{ claims: { 'org.team': { matches: '^c[a-z]+$' } } }, alice, none, true, ['claim-ok']],
  [{ claims: { 'org.team': { matches: '^c$' } } }, alice, none, false, ['claim-unauthorized']],
  [{ claims: { 'org.level': { matches: '^3$' } } }, alice, none, false, ['claim-unauthorized']],
  [{ claims: { 'org.team': { equals: 'core', matches: '^x.*$' } } }, alice, none, false, ['claim-unauthorized']],
  [{ claims: { tags: { equals: 'b' } } }, alice, none, true, ['claim-ok']],
  [{ claims: { 'tags.0': { equals: 'a' } } }, alice, none, false, ['claim-unauthorized']],
  [{ claims: { 'org.constructor': { matches: '^.*$' } } }, alice, none, false, ['claim-unauthorized']],
  [{ claims: { 'org.team': { equals: 'core' }, tier: { one_of: ['1', '2'] } } }, alice, none, true, ['claim-ok']],
  [{ claims: { 'org.team': { equals: 'core' }, missing: { equals: 'x' } } }, alice, none, false, ['claim-unauthorized']],
  [{ methods: ['GET', 'HEAD'] }, bob, get, true, ['method-ok']],
  [{ methods: ['POST'] }, bob, get, false, ['method-unauthorized']],
  [{ methods: ['GET'] }, bob, { 'x-original-method': 'HEAD' }, false, ['method-unauthorized']],
  [{ methods: ['GET'] }, bob, none, false, ['request-facts-invalid']],
  [{ paths: ['/admin'] }, bob, get, true, ['path-ok']],
  [{ paths: ['/admin'] }, bob, url('/admin'), true, ['path-ok']],
  [{ paths: ['/admin'] }, bob, url('/adminx'), false, ['path-unauthorized']],
  [{ paths: ['/admin'] }, bob, url('/admin;x'), false, ['path-unauthorized']],
  [{ paths: ['/public'] }, bob, url('/public/../admin'), false, ['path-unauthorized']],
  [{ paths: ['/public'] }, bob, url('/public/%2e%2e/admin'), false, ['path-unauthorized']],
  [{ paths: ['/public'] }, bob, url('/public/..%2Fadmin'), false, ['path-unauthorized']],
  [{ paths: ['/public'] }, bob, url('/public/..;/admin'), false, ['request-facts-invalid']],
  [{ paths: ['/public'] }, bob, url('/public/../../public'), false, ['request-facts-invalid']],
  [{ paths: ['/admin'] }, bob, url('/x/../admin'), true, ['path-ok']],
  [{ paths: ['/admin'] }, bob, url('//admin'), true, ['path-ok']],
  [{ paths: ['/admin'] }, bob, url('/x/%2e%2e/admin'), true, ['path-ok']],
  [{ paths: ['/admin'] }, bob, url('/admin#frag'), true, ['path-ok']],
  [{ paths: ['/api/'] }, bob, url('/api'), false, ['path-unauthorized']],
  [{ paths: ['/api/'] }, bob, url('/api/x'), true, ['path-ok']],
  [{ paths: ['/'] }, bob, url('/anything'), true, ['path-ok']],
  [{ paths: ['/^/v[0-9]+/items$/'] }, bob, url('/v2/items'), true, ['path-ok']],
  [{ paths: ['/^/v[0-9]+/items$/'] }, bob, url('/v2/items/x'), false, ['path-unauthorized']],
  [{ paths: ['/admin'] }, bob, none, false, ['request-facts-invalid']],
  [{ paths: ['/café'] }, bob, url('/caf%C3%A9/menu'), true, ['path-ok']],
  [{ paths: ['/a;b/', '/x.y'] }, bob, url('/a;b/c'), true, ['path-ok']],
  [{ source_networks: ['10.0.0.0/8'] }, bob, get, true, ['network-ok']],
  [{ source_networks: ['192.168.0.0/16', '2001:db8::/32'] }, bob, get, false, ['network-unauthorized']],
  [{ source_networks: ['10.0.0.0/8'] }, bob, { 'x-real-ip': '::ffff:10.0.0.7' }, true, ['network-ok']],
  [{ source_networks: ['2001:db8::/32'] }, bob, { 'x-real-ip': '2001:db8::7' }, true, ['network-ok']],
  [{ source_networks: ['0.0.0.0/0'] }, bob, { 'x-real-ip': 'not-an-ip' }, false, ['request-facts-invalid']],
  [{ source_networks: ['0.0.0.0/0'] }, bob, { 'x-forwarded-for': '10.0.0.1' }, false, ['request-facts-invalid']],
  [{ groups: ['admins'], roles: ['Admin'], methods: ['GET'], paths: ['/admin'], source_networks: ['10.0.0.0/8'] }, alice, get, true,
    ['group-ok', 'role-ok', 'method-ok', 'path-ok', 'network-ok']],
  [{ groups: ['admins'], roles: ['Admin'], methods: ['GET'], paths: ['/admin'], source_networks: ['10.0.0.0/8'] }, bob, none, false,
    ['group-unauthorized', 'role-unauthorized', 'request-facts-invalid']],
  [{ groups: ['admins'], email_domains: ['example.com'], claims: { 'org.team': { equals: 'core' } } }, alice, none, true,
    ['group-ok', 'email-domain-ok', 'claim-ok']],
  [{ groups: ['admins'], paths: ['/public'] }, alice, get, false, ['path-unauthorized']],
  [{ paths: ['/admin'] }, bob, { ...get, 'x-forwarded-uri': '/public', 'x-forwarded-host': 'evil.example' }, true, ['path-ok']],
];

for (const [conditions, subject, headers, allow, reasons] of table) {
  test(`${JSON.stringify(conditions)} for ${subject.user} with ${JSON.stringify(headers)}`, () => {
    const { policies, problems } = parsePolicies({ p: conditions });
    assert.deepEqual(problems, []);
    const policy = policies.get('p');
    assert.ok(policy);
    assert.deepEqual(evaluatePolicy(policy, subject, requestFacts(headers)), { allow, reasons });
  });
}

test('a claim path reads own properties only', () => {
  const { policies } = parsePolicies({ p: { claims: { 'toString': { matches: '^.*$' } } } });
  const policy = policies.get('p');
  assert.ok(policy);
  const claims = Object.create({ inherited: 'x' }) as Record<string, unknown>;
  assert.equal(evaluatePolicy(policy, { ...bob, claims }, requestFacts({})).allow, false);
});

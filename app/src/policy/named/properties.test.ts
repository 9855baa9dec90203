import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { PolicyQueryError } from '../query-policy.ts';
import { evaluatePolicy, type PolicySubject } from './evaluate-policy.ts';
import { evaluateExtendedQuery, parseExtendedQuery } from './extended-query.ts';
import { nginxPath } from './nginx-path.ts';
import { parsePolicies } from './parse-policies.ts';
import { requestFacts } from './request-facts.ts';

const json = fc.jsonValue({ maxDepth: 4 });
const headerName = fc.constantFrom('x-original-url', 'x-original-method', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-uri');
const urlish = fc.oneof(
  fc.string(),
  fc.webUrl({ withFragments: true, withQueryParameters: true }),
  fc.array(fc.constantFrom('/', '.', '..', '%2e', '%2f', '%2F', ';', 'a', '?', '#', '%', '%00', '\\', '//'), { maxLength: 12 })
    .map((parts) => `http://h${parts.join('')}`),
);
const headers = fc.dictionary(headerName, fc.oneof(urlish, fc.array(fc.string(), { maxLength: 3 })));
const subject: fc.Arbitrary<PolicySubject> = fc.record({
  user: fc.string(),
  email: fc.option(fc.string(), { nil: undefined }),
  groups: fc.array(fc.string()),
  roles: fc.array(fc.string()),
  claims: fc.dictionary(fc.string(), json),
});
const condition = fc.record(
  {
    groups: fc.array(fc.constantFrom('a', 'b'), { minLength: 1 }),
    roles: fc.array(fc.constantFrom('A', 'B'), { minLength: 1 }),
    email_domains: fc.constant(['example.com']),
    claims: fc.constant({ 'org.team': { one_of: ['a', 1, true], matches: '^a.*$' } }),
    methods: fc.constant(['GET']),
    paths: fc.array(fc.constantFrom('/', '/a', '/a/', '/^/.*$/'), { minLength: 1 }),
    source_networks: fc.constant(['0.0.0.0/0', '::/0']),
  },
  { requiredKeys: [] },
);

test('parsePolicies never throws on arbitrary input', () => {
  fc.assert(fc.property(fc.anything(), json, (anything, value) => {
    parsePolicies(anything);
    parsePolicies({ p: value });
  }));
});

test('requestFacts never throws and only ever yields a routed, normalised path', () => {
  fc.assert(fc.property(headers, (h) => {
    const facts = requestFacts(h);
    if (facts.path !== undefined) {
      assert.ok(facts.path.startsWith('/'));
      assert.ok(!facts.path.includes('//'));
      assert.ok(!facts.path.split('/').some((segment) => segment === '.' || segment === '..'));
    }
  }));
});

test('normalising a routed path changes nothing', () => {
  fc.assert(fc.property(urlish, (url) => {
    const facts = requestFacts({ 'x-original-url': url });
    if (facts.path !== undefined && /^[\x21-\x7e]*$/.test(facts.path) && !/[%?#]/.test(facts.path)) assert.deepEqual(nginxPath(facts.path), { ok: true, path: facts.path });
  }));
});

test('evaluation never throws', () => {
  fc.assert(fc.property(condition, subject, headers, (conditions, who, h) => {
    const policy = parsePolicies({ p: conditions }).policies.get('p');
    assert.ok(policy);
    const decision = evaluatePolicy(policy, who, requestFacts(h));
    assert.ok(decision.reasons.length > 0);
  }));
});

test('a policy with a path condition never allows without X-Original-URL', () => {
  fc.assert(fc.property(condition, subject, headers, (conditions, who, h) => {
    const policy = parsePolicies({ p: { ...conditions, paths: conditions.paths ?? ['/'] } }).policies.get('p');
    assert.ok(policy);
    const { 'x-original-url': _dropped, ...rest } = h;
    const decision = evaluatePolicy(policy, who, requestFacts(rest));
    assert.equal(decision.allow, false);
    assert.ok(decision.reasons.includes('request-facts-invalid'));
  }));
});

test('the extended query either parses or throws PolicyQueryError, and evaluation never throws', () => {
  const { policies } = parsePolicies({ p: { paths: ['/a'] } });
  const query = fc.oneof(
    fc.string(),
    fc.array(fc.constantFrom('role=A', 'role=A|B', 'role=', 'allowed_roles=A,B', 'policy=p', 'policy=q', 'allowed_groups=a', '%', 'x=1', '&'))
      .map((parts) => parts.join('&')),
  );
  fc.assert(fc.property(query, subject, headers, (raw, who, h) => {
    try {
      evaluateExtendedQuery(parseExtendedQuery(raw, policies), who, requestFacts(h));
    } catch (err) {
      assert.ok(err instanceof PolicyQueryError);
    }
  }));
});

test('adding a role parameter never widens access', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom('A', 'B', 'C', 'A|B', 'B|C')), fc.constantFrom('A', 'B|C'), subject, (roles, extra, who) => {
    const base = roles.map((role) => `role=${role}`).join('&');
    const before = evaluateExtendedQuery(parseExtendedQuery(base, new Map()), who, requestFacts({}));
    const after = evaluateExtendedQuery(parseExtendedQuery(`${base}&role=${extra}`, new Map()), who, requestFacts({}));
    assert.ok(before.allow || !after.allow);
  }));
});

/**
 * The check's decision as a table: (config snippet, identity, request) → (decision, reasons),
 * through the same parts /oauth2/auth uses — the parsed config, the identity's view (roles), the
 * route policy from the auth-url query, and the request facts from nginx's subrequest headers.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { parseIdentityConfig } from '../identity/identity-config.ts';
import { buildIdentityView } from '../identity/identity-view.ts';
import type { Identity } from '../session/session-record.ts';
import { decide, needsRequestFacts, NO_FACTS, type Decision } from './decide.ts';
import { requestFacts, type FactHeaders } from './named/request-facts.ts';
import { PolicyQueryError } from './query-policy.ts';
import { createRoutePolicyCache } from './route-policy-cache.ts';

const CONFIG = `
group_mappings: { admins: [kibana_admin], devs: [developer] }
default_roles: [viewer]
role_mappings:
  finance:
    enabled: true
    roles: [ledger]
    rules: { all: [ { field: { "metadata.oidc(department)": finance } }, { except: { field: { username: "intern-*" } } } ] }
policies:
  admins-only: { groups: [admins] }
  writers: { roles: [developer, kibana_admin], methods: [POST, PUT] }
  docs: { paths: [/docs/, "/^/api/v[0-9]+/public$/"] }
  office: { source_networks: [10.0.0.0/8, "2001:db8::/32"] }
  staff-mail: { email_domains: [example.com], claims: { department: { one_of: [engineering, finance] } } }
  strict: { claims: { "realm_access.level": { matches: "^(gold|silver)$" } } }
`;

function identity(user: string, groups: string[], claims: Record<string, unknown> = {}, email = `${user}@example.com`): Identity {
  return { sub: user, user, email, groups, preferredUsername: undefined, name: undefined, dn: undefined, claims };
}

const alice = identity('alice', ['admins'], { department: 'engineering', realm_access: { level: 'gold' } });
const bob = identity('bob', ['devs'], { department: 'finance' });
const intern = identity('intern-zed', [], { department: 'finance' }, 'zed@example.org');
const guest = identity('guest', [], {}, 'guest@evil.example');

const GET_DOCS = { 'x-original-url': 'https://app.example.com/docs/intro', 'x-original-method': 'GET', 'x-real-ip': '10.1.2.3' };

// (identity, query, request headers) → (allow, reasons)
const table: Array<[string, Identity, string, FactHeaders, boolean, string[]]> = [
  ['no policy allows a signed-in user', guest, '', GET_DOCS, true, ['no-policy']],
  ['default roles are a fallback', guest, 'allowed_roles=viewer', GET_DOCS, true, ['role-ok']],
  ['mapped groups replace the fallback', alice, 'allowed_roles=viewer', GET_DOCS, false, ['role-unauthorized']],
  ['role mapping with except: finance but not interns', bob, 'allowed_roles=ledger', GET_DOCS, true, ['role-ok']],
  ['role mapping with except: the intern is excluded', intern, 'allowed_roles=ledger', GET_DOCS, false, ['role-unauthorized']],
  ['EasyAuth (A or B) and C', bob, 'role=kibana_admin|developer&role=ledger', GET_DOCS, true, ['role-ok']],
  ['EasyAuth roles are case-sensitive', bob, 'role=Developer', GET_DOCS, false, ['role-unauthorized']],
  ['named policy on groups', alice, 'policy=admins-only', GET_DOCS, true, ['group-ok']],
  ['named policy on groups, denied', bob, 'policy=admins-only', GET_DOCS, false, ['group-unauthorized']],
  ['method condition', bob, 'policy=writers', { ...GET_DOCS, 'x-original-method': 'POST' }, true, ['role-ok', 'method-ok']],
  ['method condition, denied', bob, 'policy=writers', GET_DOCS, false, ['method-unauthorized']],
  ['path prefix', guest, 'policy=docs', GET_DOCS, true, ['path-ok']],
  ['path regex', guest, 'policy=docs', { ...GET_DOCS, 'x-original-url': 'https://a/api/v2/public?x=1' }, true, ['path-ok']],
  ['dot segments are resolved the way nginx routes', guest, 'policy=docs', { ...GET_DOCS, 'x-original-url': 'https://a/docs/../admin' }, false, ['path-unauthorized']],
  ['percent-encoded dots too', guest, 'policy=docs', { ...GET_DOCS, 'x-original-url': 'https://a/docs/%2e%2e/admin' }, false, ['path-unauthorized']],
  ['a fragment is not part of the path', guest, 'policy=docs', { ...GET_DOCS, 'x-original-url': 'https://a/admin#/docs/' }, false, ['path-unauthorized']],
  ['a missing X-Original-URL denies', guest, 'policy=docs', {}, false, ['request-facts-invalid']],
  ['source network', guest, 'policy=office', GET_DOCS, true, ['network-ok']],
  ['source network, IPv6', guest, 'policy=office', { ...GET_DOCS, 'x-real-ip': '2001:db8::1' }, true, ['network-ok']],
  ['source network, outside', guest, 'policy=office', { ...GET_DOCS, 'x-real-ip': '192.168.1.1' }, false, ['network-unauthorized']],
  ['email domain and claim one_of', bob, 'policy=staff-mail', GET_DOCS, true, ['email-domain-ok', 'claim-ok']],
  ['claim one_of, denied', guest, 'policy=staff-mail', GET_DOCS, false, ['email-domain-unauthorized', 'claim-unauthorized']],
  ['claim regex on a nested path', alice, 'policy=strict', GET_DOCS, true, ['claim-ok']],
  ['claim regex, missing claim', bob, 'policy=strict', GET_DOCS, false, ['claim-unauthorized']],
  ['policy and query conditions combine', alice, 'policy=admins-only&allowed_email_domains=example.org', GET_DOCS, false, ['email-domain-unauthorized']],
];

const problems: string[] = [];
const config = parseIdentityConfig(parse(CONFIG), problems);
const routePolicy = createRoutePolicyCache(() => config.policies);

function check(who: Identity, query: string, headers: FactHeaders): Decision {
  const policy = routePolicy(query).query;
  return decide(policy, buildIdentityView(who, config).subject, needsRequestFacts(policy) ? requestFacts(headers) : NO_FACTS);
}

test('the table config is valid', () => assert.deepEqual(problems, []));

for (const [name, who, query, headers, allow, reasons] of table) {
  test(`decision: ${name}`, () => assert.deepEqual(check(who, query, headers), { allow, reasons }));
}

test('an unknown policy name is an error, never a decision', () => {
  assert.throws(() => check(alice, 'policy=nope', GET_DOCS), PolicyQueryError);
  assert.throws(() => check(alice, 'policy=', GET_DOCS), PolicyQueryError);
});

test('the pipeline never throws anything but PolicyQueryError, and reasons are always given', () => {
  const header = fc.option(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('https://a/docs/x', 'GET', '10.0.0.1', '::1')), { nil: undefined });
  fc.assert(
    fc.property(
      fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom('policy=docs', 'policy=office', 'policy=writers', 'role=a|b', 'allowed_roles=')),
      fc.string({ unit: 'binary' }),
      fc.array(fc.string({ unit: 'binary' }), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
      header,
      header,
      header,
      (query, user, groups, claims, url, method, ip) => {
        const headers = { 'x-original-url': url, 'x-original-method': method, 'x-real-ip': ip };
        try {
          const decision = check(identity(user, groups, claims), query, headers);
          assert.ok(decision.reasons.length > 0);
        } catch (err) {
          assert.ok(err instanceof PolicyQueryError, String(err));
        }
      },
    ),
    { numRuns: 2000 },
  );
});

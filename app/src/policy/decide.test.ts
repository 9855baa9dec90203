import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decide, NO_FACTS } from './decide.ts';
import type { PolicySubject } from './named/evaluate-policy.ts';
import { parseExtendedQuery } from './named/extended-query.ts';
import { parseQueryPolicy, PolicyQueryError } from './query-policy.ts';
import { createRoutePolicyCache } from './route-policy-cache.ts';

const alice: PolicySubject = { user: 'alice', email: 'Alice@Example.com', groups: ['admins', 'devs'], roles: [], claims: {} };
const bob: PolicySubject = { user: 'bob', email: 'bob@example.org', groups: ['users'], roles: [], claims: {} };
const multiAt: PolicySubject = { ...bob, email: 'victim@example.com@evil.example' };
const noEmail: PolicySubject = { user: 'bob', groups: ['users'], roles: [], claims: {} };
const none = new Map();

// (query, subject) → (allow, reasons): the oauth2-proxy-compatible keys
const table: Array<[string, PolicySubject, boolean, string[]]> = [
  ['', alice, true, ['no-policy']],
  ['allowed_groups=admins', alice, true, ['group-ok']],
  ['allowed_groups=ops,devs', alice, true, ['group-ok']],
  ['allowed_groups=admins', bob, false, ['group-unauthorized']],
  ['allowed_groups=Admins', alice, false, ['group-unauthorized']],
  ['allowed_groups=', alice, false, ['group-unauthorized']],
  ['allowed_groups=admins&allowed_groups=users', bob, false, ['group-unauthorized']],
  ['allowed_groups=users&allowed_groups=admins', bob, true, ['group-ok']],
  ['allowed_emails=alice@example.com', alice, true, ['email-ok']],
  ['allowed_emails=alice@example.com', bob, false, ['email-unauthorized']],
  ['allowed_email_domains=example.com', alice, true, ['email-domain-ok']],
  ['allowed_email_domains=example.com', bob, false, ['email-domain-unauthorized']],
  ['allowed_email_domains=example.com,example.org', bob, true, ['email-domain-ok']],
  ['allowed_email_domains=example.com', multiAt, false, ['email-invalid']],
  ['allowed_email_domains=example.com', noEmail, false, ['email-invalid']],
  ['allowed_groups=admins&allowed_email_domains=example.com', alice, true, ['group-ok', 'email-domain-ok']],
  ['allowed_groups=admins&allowed_email_domains=example.org', alice, false, ['email-domain-unauthorized']],
  ['allowed_groups=users&allowed_email_domains=example.com', bob, false, ['email-domain-unauthorized']],
];

for (const [query, subject, allow, reasons] of table) {
  test(`decide(${query || '(empty)'}, ${subject.email ?? 'no email'}) → ${allow ? 'allow' : 'deny'}`, () => {
    assert.deepEqual(decide(parseExtendedQuery(query, none), subject, NO_FACTS), { allow, reasons });
  });
}

test('malformed or unknown query parameters are errors, never an open policy', () => {
  for (const query of ['allowed_groups=%E0%A4%A', 'allowed_group=admins', 'x=1', '%zz=1', 'a'.repeat(5000)]) {
    assert.throws(() => parseQueryPolicy(query), PolicyQueryError, query);
  }
});

test('the cache returns the same answer and rethrows the same error', () => {
  const parse = createRoutePolicyCache(() => none, { backends: ['none'], sources: ['session'] }, 2);
  assert.equal(parse('allowed_groups=a'), parse('allowed_groups=a'));
  assert.throws(() => parse('bogus=1'), PolicyQueryError);
  assert.throws(() => parse('bogus=1'), PolicyQueryError);
  for (let i = 0; i < 10; i++) parse(`allowed_groups=g${i}`);
});

test('parsing and deciding never throw anything but PolicyQueryError, and empty lists never allow', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 120 }), fc.array(fc.string(), { maxLength: 4 }), fc.option(fc.string()), (query, groups, email) => {
      try {
        const policy = parseExtendedQuery(query, none);
        const subject = email === null ? { ...noEmail, groups } : { ...alice, groups, email };
        const decision = decide(policy, subject, NO_FACTS);
        if (policy.base.allowedGroups?.length === 0) assert.equal(decision.allow, false);
      } catch (err) {
        assert.ok(err instanceof PolicyQueryError);
      }
    }),
    { numRuns: 3000 },
  );
});

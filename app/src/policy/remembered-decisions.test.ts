import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decide, NO_FACTS } from './decide.ts';
import type { PolicySubject } from './named/evaluate-policy.ts';
import { parseExtendedQuery } from './named/extended-query.ts';
import { parsePolicies } from './named/parse-policies.ts';
import type { RequestFacts } from './named/request-facts.ts';
import { createRememberedDecisions } from './remembered-decisions.ts';

const alice: PolicySubject = { user: 'alice', email: 'alice@example.com', groups: ['admins'], roles: ['editor'], claims: {} };
const bob: PolicySubject = { user: 'bob', email: 'bob@example.org', groups: ['users'], roles: [], claims: {} };
const { policies } = parsePolicies({ admin_paths: { groups: ['admins'], paths: ['/admin'] }, editors: { roles: ['editor'] } });

test('a query that reads no request facts: decide()\'s answer, worked out once per subject and never reading facts', () => {
  const remembered = createRememberedDecisions();
  const noFacts = (): RequestFacts => assert.fail('facts read');
  for (const raw of ['', 'allowed_groups=admins', 'allowed_groups=admins&allowed_roles=editor', 'policy=editors', 'allowed_email_domains=example.com']) {
    const query = parseExtendedQuery(raw, policies);
    for (const subject of [alice, bob]) {
      const first = remembered(query, subject, noFacts);
      assert.deepEqual(first, decide(query, subject, NO_FACTS), `${raw} ${subject.user}`);
      assert.equal(remembered(query, subject, noFacts), first, 'the same decision object the second time');
      assert.ok(Object.isFrozen(first) && Object.isFrozen(first.reasons), 'shared, so frozen');
    }
  }
});

test('a query that reads request facts is decided on each request\'s own facts', () => {
  const remembered = createRememberedDecisions();
  const query = parseExtendedQuery('policy=admin_paths', policies);
  let reads = 0;
  const at = (path: string) => (): RequestFacts => {
    reads += 1;
    return { method: 'GET', path, problems: [] };
  };
  assert.equal(remembered(query, alice, at('/admin')).allow, true);
  assert.equal(remembered(query, alice, at('/other')).allow, false);
  assert.equal(remembered(query, alice, at('/admin/x')).allow, true);
  assert.equal(reads, 3);
});

test('another query or another subject object is decided afresh', () => {
  const remembered = createRememberedDecisions();
  const admins = parseExtendedQuery('allowed_groups=admins', policies);
  assert.equal(remembered(admins, alice, () => NO_FACTS).allow, true);
  // A rebuilt view (a reload) is a new subject object, even for the same user.
  assert.equal(remembered(admins, { ...alice, groups: [] }, () => NO_FACTS).allow, false);
  assert.equal(remembered(parseExtendedQuery('allowed_groups=users', policies), alice, () => NO_FACTS).allow, false);
});

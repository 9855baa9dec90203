import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExtendedQuery } from '../policy/named/extended-query.ts';
import { parsePolicies } from '../policy/named/parse-policies.ts';
import { describeNeeds } from './describe-needs.ts';

const { policies, problems } = parsePolicies({
  'admin-area': { groups: ['admins'], paths: ['/admin'] },
  'from-office': { source_networks: ['10.0.0.0/8'], methods: ['GET', 'HEAD'] },
  engineering: { claims: { department: { equals: 'eng' }, level: { one_of: [3, 4] }, team: { matches: '^core-.*$' } } },
  'same-as-query': { groups: ['admins'] },
});
assert.deepEqual(problems, []);

const needs = (query: string): string[] => describeNeeds(parseExtendedQuery(query, policies));

// (auth-url query) → the phrases the denied page shows
const table: Array<[string, string[]]> = [
  ['', []],
  ['allowed_groups=admins', ['membership of admins']],
  ['allowed_groups=admins,ops', ['membership of admins or ops']],
  ['allowed_groups=a,b,c', ['membership of a, b or c']],
  ['allowed_roles=editor', ['the role editor']],
  ['role=A|B&role=C', ['the role A or B', 'the role C']],
  ['allowed_emails=Ann@Example.com', ['the email address ann@example.com']],
  ['allowed_email_domains=example.com,example.org', ['an email address at example.com or example.org']],
  ['allowed_groups=admins&allowed_email_domains=example.com', ['membership of admins', 'an email address at example.com']],
  ['allowed_groups=', ['membership of a group (none is accepted)']],
  ['policy=admin-area', ['membership of admins', 'a path this application allows']],
  ['policy=from-office', ['a request method of GET or HEAD', 'a connection from a network this application allows']],
  [
    'policy=engineering',
    ['the claim department equal to "eng"', 'the claim level one of 3 or 4', 'the claim team in the form this application accepts'],
  ],
  // the same requirement written twice (query and named policy) is said once
  ['allowed_groups=admins&policy=same-as-query', ['membership of admins']],
];

for (const [query, expected] of table) {
  test(`describeNeeds(${JSON.stringify(query)})`, () => {
    assert.deepEqual(needs(query), expected);
  });
}

test('network and path values are never named: they describe the deployment, not the person', () => {
  const text = [...needs('policy=admin-area'), ...needs('policy=from-office')].join(' ');
  assert.doesNotMatch(text, /10\.0\.0\.0|\/admin/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicies } from './parse-policies.ts';

test('a full policy parses with no problems', () => {
  const { policies, problems } = parsePolicies({
    admins: {
      groups: ['admins'],
      roles: ['Admin'],
      emails: ['Alice@Example.com'],
      email_domains: ['Example.COM'],
      claims: { 'org.team': { equals: 'core', one_of: ['core', 'infra'], matches: '^c.*$' }, tier: { one_of: [1, true] } },
      methods: ['get', 'POST'],
      paths: ['/admin', '/api/', '/^/v[0-9]+/items$/'],
      source_networks: ['10.0.0.0/8', '2001:db8::/32'],
    },
    everyone: {},
  });
  assert.deepEqual(problems, []);
  const admins = policies.get('admins');
  assert.deepEqual(admins?.emails, ['alice@example.com']);
  assert.deepEqual(admins?.emailDomains, ['example.com']);
  assert.deepEqual(admins?.methods, ['GET', 'POST']);
  assert.equal(admins?.paths?.length, 3);
  assert.ok(policies.has('everyone'));
});

test('an absent or empty section gives nothing and no problem', () => {
  for (const input of [undefined, null, {}]) assert.deepEqual(parsePolicies(input), { policies: new Map(), problems: [] });
});

// (section) → every problem, in order; a policy with any problem is left out
const bad: Array<[unknown, string[]]> = [
  [[], ['policies: must be a mapping of policy name to conditions']],
  [{ admins: [] }, ['policies.admins: must be a mapping of conditions']],
  [{ 'bad name': {} }, ['policies["bad name"]: "bad name" is not a valid policy name']],
  [{ admins: { group: ['a'] } }, ['policies.admins.group: unknown key']],
  [
    { admins: { source_networks: ['10.0.0.0/8', '10.0.0.0/33', '10.0.0.1/8'] } },
    [
      'policies.admins.source_networks[1]: "10.0.0.0/33" is not a CIDR',
      'policies.admins.source_networks[2]: "10.0.0.1/8" has host bits set beyond its prefix',
    ],
  ],
  [{ admins: { groups: [] } }, ['policies.admins.groups: must be a non-empty list of at most 1000 strings']],
  [{ admins: { groups: 'admins' } }, ['policies.admins.groups: must be a non-empty list of at most 1000 strings']],
  [{ admins: { roles: ['ok', 42, ''] } }, [
    'policies.admins.roles[1]: 42 is not a non-empty string without control characters',
    'policies.admins.roles[2]: "" is not a non-empty string without control characters',
  ]],
  [{ a: { emails: ['x@y@z', 'nobody'] } }, [
    'policies.a.emails[0]: "x@y@z" is not an email address with exactly one "@"',
    'policies.a.emails[1]: "nobody" is not an email address with exactly one "@"',
  ]],
  [{ a: { email_domains: ['@example.com'] } }, ['policies.a.email_domains[0]: "@example.com" is not a domain']],
  [{ a: { methods: ['GET POST'] } }, ['policies.a.methods[0]: "GET POST" is not an HTTP method']],
  [{ a: { paths: ['/a/.', '/./a', '/a/..;/b', '//'] } }, [
    'policies.a.paths[0]: "/a/." is not a normalised path (no "//", "." or ".." segments)',
    'policies.a.paths[1]: "/./a" is not a normalised path (no "//", "." or ".." segments)',
    'policies.a.paths[2]: "/a/..;/b" is not a normalised path (no "//", "." or ".." segments)',
    'policies.a.paths[3]: "//" is not a normalised path (no "//", "." or ".." segments)',
  ]],
  [{ a: { paths: ['admin', '/a//b', '/a/../b', '/a%2fb', '/^admin/', '/^(a$/', '/^a)|(b$/'] } }, [
    'policies.a.paths[0]: "admin" is neither a path prefix starting with "/" nor a "/^…$/" regex',
    'policies.a.paths[1]: "/a//b" is not a normalised path (no "//", "." or ".." segments)',
    'policies.a.paths[2]: "/a/../b" is not a normalised path (no "//", "." or ".." segments)',
    'policies.a.paths[3]: "/a%2fb" must be a decoded path without "%", "?" or "#"',
    'policies.a.paths[4]: "/^admin/" starts like a regex but is not written "/^…$/"',
    'policies.a.paths[5]: "/^(a$/" is not a valid regular expression',
    'policies.a.paths[6]: "/^a)|(b$/" is not a valid regular expression',
  ]],
  [{ a: { claims: {} } }, ['policies.a.claims: must be a non-empty mapping of claim path to condition']],
  [{ a: { claims: { 'org..team': { equals: 'x' }, tier: { equal: 1 }, b: { matches: 'abc' }, c: { matches: '^a\\$' } } } }, [
    'policies.a.claims["org..team"]: "org..team" is not a dotted claim path',
    'policies.a.claims["tier"].equal: unknown key',
    'policies.a.claims["tier"]: needs equals, one_of or matches',
    'policies.a.claims["b"].matches: "abc" is not anchored as "^…$"',
    'policies.a.claims["c"].matches: "^a\\\\$" is not anchored as "^…$"',
  ]],
  [{ a: { claims: { x: { equals: { nested: 1 }, one_of: [] } } } }, [
    'policies.a.claims["x"].equals: {"nested":1} is not a string, number or boolean',
    'policies.a.claims["x"].one_of: must be a non-empty list of at most 1000 values',
  ]],
  [{ a: { claims: { x: { matches: `^${'a'.repeat(300)}$` } } } }, [
    `policies.a.claims["x"].matches: "^${'a'.repeat(75)}... is longer than 256 characters`,
  ]],
];

for (const [input, expected] of bad) {
  test(`problems for ${JSON.stringify(input).slice(0, 80)}`, () => {
    const { policies, problems } = parsePolicies(input);
    assert.deepEqual(problems, expected);
    assert.equal(policies.size, 0);
  });
}

test('good policies survive beside bad ones', () => {
  const { policies, problems } = parsePolicies({ good: { groups: ['a'] }, bad: { groups: [] } });
  assert.deepEqual([...policies.keys()], ['good']);
  assert.equal(problems.length, 1);
});

test('an alternation cannot escape the anchors', () => {
  const { policies } = parsePolicies({ a: { paths: ['/^/a|/b$/'] } });
  const matcher = policies.get('a')?.paths?.[0];
  assert.ok(matcher?.kind === 'regex');
  assert.equal(matcher.regex.test('/a/anything'), false);
  assert.equal(matcher.regex.test('/b'), true);
});

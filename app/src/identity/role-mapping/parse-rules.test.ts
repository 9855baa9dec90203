import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRoleMappings } from './parse-rules.ts';

function problemsFor(rules: unknown): string[] {
  return parseRoleMappings({ admins: { roles: ['admin'], rules } }).problems;
}

const P = 'role_mappings.admins.rules';

// [description, rules, exact problems]
const ruleProblems: Array<[string, unknown, string[]]> = [
  ['except at the top', { except: { field: { username: 'x' } } }, [`${P}: except is only allowed directly inside all`]],
  ['except inside any', { any: [{ except: { field: { username: 'x' } } }] }, [`${P}.any[0]: except is only allowed directly inside all`]],
  ['except inside except', { all: [{ except: { except: { all: [] } } }] }, [`${P}.all[0].except: except is only allowed directly inside all`]],
  ['except nested one level below all', { all: [{ any: [] }, { all: [{ any: [{ except: { all: [] } }] }] }] }, [`${P}.all[1].all[0].any[0]: except is only allowed directly inside all`]],
  ['empty rule', {}, [`${P}: rule does not contain any fields`]],
  ['two keys', { any: [], all: [] }, [`${P}: rule contains multiple fields [any, all]`]],
  ['unknown key', { none: [] }, [`${P}: field [none] is not recognised; expected any, all, field or except`]],
  ['rule not an object', 'username', [`${P}: must be an object with one of any, all, field or except`]],
  ['rule is an array', [], [`${P}: must be an object with one of any, all, field or except`]],
  ['any not an array', { any: { field: { username: 'x' } } }, [`${P}.any: must be an array of rules`]],
  ['field not an object', { field: 'username' }, [`${P}.field: must be an object with exactly one field name`]],
  ['field without a name', { field: {} }, [`${P}.field: does not contain a field name`]],
  ['field with two names', { field: { username: 'a', groups: 'b' } }, [`${P}.field: contains multiple field names [username, groups]`]],
  ['object value', { field: { username: { a: 1 } } }, [`${P}.field.username: must be a string, number, boolean or null`]],
  ['nested array value', { field: { groups: ['a', ['b']] } }, [`${P}.field.groups[1]: must be a string, number, boolean or null`]],
  ['non-finite number', { field: { 'metadata.n': Infinity } }, [`${P}.field.metadata.n: must be a finite number`]],
  ['bad regex', { field: { username: '/a(/' } }, [`${P}.field.username: invalid regular expression /a(/: unexpected end of pattern`]],
  ['unsupported operator', { field: { username: '/a~b/' } }, [`${P}.field.username: invalid regular expression /a~b/: operator '~' is not supported; escape it as \\~`]],
  ['named automaton', { field: { username: '/<name>/' } }, [`${P}.field.username: invalid regular expression /<name>/: named automaton <name> is not supported`]],
  ['slash pattern without closing slash', { field: { username: '/admin*' } }, [`${P}.field.username: invalid pattern /admin*: patterns starting with '/' must end with '/'`]],
  ['oversized pattern', { field: { username: `/${'a'.repeat(1000)}/` } }, [`${P}.field.username: pattern is longer than 1000 characters`]],
  ['pattern with too many states', { field: { username: '/(a{100}){200}/' } }, [`${P}.field.username: pattern /(a{100}){200}/ expands to more than 10000 states`]],
  ['odd field names are quoted', { field: { 'a b': 1, c: 2 } }, [`${P}.field: contains multiple field names [a b, c]`]],
  ['odd field name in a value path', { field: { 'a b': {} } }, [`${P}.field["a b"]: must be a string, number, boolean or null`]],
  [
    'every problem is reported at once',
    { all: [{ except: { field: { username: '/(/' } } }, { any: [{ except: { all: [] } }, {}] }, { field: { dn: [true, {}] } }] },
    [
      `${P}.all[0].except.field.username: invalid regular expression /(/: unexpected end of pattern`,
      `${P}.all[1].any[0]: except is only allowed directly inside all`,
      `${P}.all[1].any[1]: rule does not contain any fields`,
      `${P}.all[2].field.dn[1]: must be a string, number, boolean or null`,
    ],
  ],
];

for (const [name, rules, expected] of ruleProblems) {
  test(`parse problem: ${name}`, () => {
    assert.deepEqual(problemsFor(rules), expected);
  });
}

test('parse problem: rules nested too deeply', () => {
  let rules: unknown = { all: [] };
  for (let i = 0; i < 70; i++) rules = { any: [rules] };
  const problems = problemsFor(rules);
  assert.equal(problems.length, 1);
  assert.match(problems[0] as string, /^role_mappings\.admins\.rules(\.any\[0\]){65}: rules are nested deeper than 64 levels$/);
});

test('parse problems: mapping-level shapes, all reported, bad mappings dropped', () => {
  const { mappings, problems } = parseRoleMappings({
    good: { roles: ['user'], rules: { field: { username: '*' } }, metadata: { version: 1 } },
    notObject: 'x',
    missing: {},
    badTypes: { enabled: 'yes', roles: 'admin', rules: { all: [] }, metadata: [] },
    badRoles: { roles: ['ok', '', 3], rules: { all: [] } },
    extras: { roles: ['r'], rules: { all: [] }, role_templates: [], enable: true, metadata: { _reserved: 1 } },
    'odd name': { roles: ['r'], rules: { except: { all: [] } } },
  });
  assert.deepEqual(problems, [
    'role_mappings.notObject: must be an object with roles and rules',
    'role_mappings.missing.roles: is required',
    'role_mappings.missing.rules: is required',
    'role_mappings.badTypes.enabled: must be a boolean',
    'role_mappings.badTypes.roles: must be an array of role names',
    'role_mappings.badTypes.metadata: must be an object',
    'role_mappings.badRoles.roles[1]: must be a non-empty string',
    'role_mappings.badRoles.roles[2]: must be a non-empty string',
    'role_mappings.extras.role_templates: role templates are not supported; use roles',
    'role_mappings.extras.enable: is not a recognised mapping key',
    'role_mappings.extras.metadata._reserved: keys beginning with _ are reserved',
    'role_mappings["odd name"].rules: except is only allowed directly inside all',
  ]);
  assert.deepEqual(mappings.map((m) => m.name), ['good']);
  assert.deepEqual(mappings[0], {
    name: 'good',
    enabled: true,
    roles: ['user'],
    rules: mappings[0]?.rules,
    metadata: { version: 1 },
  });
});

test('parseRoleMappings: absent section, wrong section type', () => {
  assert.deepEqual(parseRoleMappings(undefined), { mappings: [], problems: [] });
  assert.deepEqual(parseRoleMappings(null), { mappings: [], problems: [] });
  assert.deepEqual(parseRoleMappings({}), { mappings: [], problems: [] });
  assert.deepEqual(parseRoleMappings([]), { mappings: [], problems: ['role_mappings: must be a map of mapping name to mapping'] });
  assert.deepEqual(parseRoleMappings('x'), { mappings: [], problems: ['role_mappings: must be a map of mapping name to mapping'] });
});

test('parseRoleMappings: enabled defaults to true and is kept when false', () => {
  const { mappings } = parseRoleMappings({
    a: { roles: [], rules: { all: [] } },
    b: { enabled: false, roles: ['x'], rules: { all: [] } },
  });
  assert.deepEqual(mappings.map((m) => [m.name, m.enabled, m.roles]), [['a', true, []], ['b', false, ['x']]]);
});

test('parseRoleMappings: a throwing getter is reported, not thrown', () => {
  const hostile = { get roles(): string[] { throw new Error('boom'); }, rules: { all: [] } };
  assert.deepEqual(parseRoleMappings({ hostile }).problems, ['role_mappings.hostile: could not be read']);
});

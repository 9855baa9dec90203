import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { matchRule, resolveRoles } from './match-rules.ts';
import { parseRoleMappings, parseRule } from './parse-rules.ts';
import type { Rule, UserData } from './types.ts';

const FIELDS = ['username', 'dn', 'groups', 'realm.name', 'metadata.a', 'metadata.b', 'email'];
const PATTERN_ATOMS = ['*', '?', '/', '\\', '(', ')', '|', '[', ']', '<1-9>', '{2}', '"', '.', '@', '#', 'a', ',', '=', 'cn'];

const patternish = fc.array(fc.constantFrom(...PATTERN_ATOMS), { maxLength: 8 }).map((parts) => parts.join(''));
const scalar = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string(), patternish);
const fieldRule = fc.record({
  field: fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), { minKeys: 1, maxKeys: 1 }),
});

/** Rules that are mostly well formed, so matching is exercised as well as parsing. */
const ruleish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fieldRule,
    fc.record({ any: fc.array(tie('rule'), { maxLength: 3 }) }),
    fc.record({ all: fc.array(tie('child'), { maxLength: 3 }) }),
    fc.jsonValue(),
  ),
  child: fc.oneof(tie('rule'), fc.record({ except: tie('rule') })),
})).rule;

const userData: fc.Arbitrary<UserData> = fc.record(
  {
    username: fc.oneof(fc.string(), patternish),
    dn: fc.oneof(fc.string(), fc.constantFrom('cn=a,dc=x', 'CN=A , DC=X', 'uid=b,cn=a,dc=x', 'cn=\\41\\,b,dc=x', '=')),
    groups: fc.array(fc.oneof(fc.string(), patternish), { maxLength: 4 }),
    metadata: fc.dictionary(fc.constantFrom('a', 'b', '__proto__', 'constructor'), fc.jsonValue()),
    realm: fc.record({ name: fc.string() }),
  },
  { requiredKeys: ['username', 'groups', 'metadata'] },
);

/** Anything at all in the user's place, for the never-throws property. */
const anyUser = fc.oneof(userData, fc.anything()) as fc.Arbitrary<UserData>;

test('property: parseRule and parseRoleMappings never throw on arbitrary JSON', () => {
  fc.assert(
    fc.property(fc.oneof(fc.jsonValue(), ruleish), (input) => {
      const problems: string[] = [];
      const rule = parseRule(input, 'rules', problems);
      assert.equal(rule === undefined, problems.length > 0);
      const section = parseRoleMappings({ m: { roles: ['r'], rules: input } });
      assert.equal(section.mappings.length + (section.problems.length > 0 ? 1 : 0), 1);
      parseRoleMappings(input);
    }),
    { numRuns: 2000 },
  );
});

test('property: matchRule and resolveRoles never throw, and agree with each other', () => {
  fc.assert(
    fc.property(ruleish, anyUser, (input, user) => {
      const problems: string[] = [];
      const rule = parseRule(input, 'rules', problems);
      if (!rule) return;
      const matched = matchRule(rule, user);
      assert.equal(typeof matched, 'boolean');
      const mapping = { name: 'm', enabled: true, roles: ['r'], rules: rule, metadata: {} };
      assert.deepEqual(resolveRoles([mapping], user).roles, matched ? ['r'] : []);
      assert.deepEqual(resolveRoles([{ ...mapping, enabled: false }], user).roles, []);
    }),
    { numRuns: 2000 },
  );
});

test('property: any [] never matches and all [] always matches', () => {
  const anyEmpty = parseRule({ any: [] }, 'r', []) as Rule;
  const allEmpty = parseRule({ all: [] }, 'r', []) as Rule;
  fc.assert(
    fc.property(anyUser, (user) => {
      assert.equal(matchRule(anyEmpty, user), false);
      assert.equal(matchRule(allEmpty, user), true);
    }),
  );
});

test('property: except inside all negates, and any/all follow boolean logic', () => {
  fc.assert(
    fc.property(fc.array(fieldRule, { minLength: 1, maxLength: 4 }), userData, (children, user) => {
      fc.pre(children.every((c) => parseRule(c, 'r', []) !== undefined));
      const results = children.map((c) => matchRule(parseRule(c, 'r', []) as Rule, user));
      assert.equal(matchRule(parseRule({ any: children }, 'r', []) as Rule, user), results.some(Boolean));
      assert.equal(matchRule(parseRule({ all: children }, 'r', []) as Rule, user), results.every(Boolean));
      const negated = parseRule({ all: children.map((c) => ({ except: c })) }, 'r', []) as Rule;
      assert.equal(matchRule(negated, user), results.every((r) => !r));
    }),
  );
});

test('property: resolved roles are duplicate-free and come from matched mappings', () => {
  fc.assert(
    fc.property(
      fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.record({
        enabled: fc.boolean(),
        roles: fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 4 }),
        rules: fieldRule,
      })),
      userData,
      (section, user) => {
        const { mappings } = parseRoleMappings(section);
        const { roles, matched } = resolveRoles(mappings, user);
        assert.equal(new Set(roles).size, roles.length);
        const granted = mappings.filter((m) => matched.includes(m.name));
        assert.ok(granted.every((m) => m.enabled));
        assert.deepEqual(new Set(roles), new Set(granted.flatMap((m) => m.roles)));
      },
    ),
  );
});

test('property: a literal username matches exactly itself', () => {
  fc.assert(
    fc.property(fc.string(), fc.string(), (a, b) => {
      fc.pre(!a.includes('*') && !(a.length > 1 && a.startsWith('/') && a.endsWith('/')));
      const rule = parseRule({ field: { username: a } }, 'r', []) as Rule;
      assert.equal(matchRule(rule, { username: b, groups: [], metadata: {} }), a === b);
    }),
  );
});

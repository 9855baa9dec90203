/**
 * The role-mapping rule language and its regex engine take time linear in the input, whatever the
 * pattern: configured patterns run as an automaton, not as a backtracking RegExp, and every user
 * field (username, DN, groups) is read a bounded number of times. Measured as the time of one
 * match at 8× the input length against the time at 1×, best of several tries so that a busy
 * machine does not decide the outcome: linear work grows 8×, quadratic 64×; the bound is 24×.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import fc from 'fast-check';
import { matchRule } from './match-rules.ts';
import { parseRule } from './parse-rules.ts';
import { compileStringPattern } from './string-pattern.ts';
import type { Rule, UserData } from './types.ts';

const SMALL = 512;
const LARGE = 4096;
const GROWTH_BOUND = 24;
// Timer resolution and scheduling: below this the comparison says nothing.
const FLOOR_MS = 1.5;

/** The shortest of `tries` runs of `work`, in milliseconds. */
function bestOf(tries: number, work: () => unknown): number {
  let best = Infinity;
  for (let i = 0; i < tries; i++) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

function assertLinear(label: string, at: (n: number) => () => unknown): void {
  const small = at(SMALL);
  const large = at(LARGE);
  let tSmall = bestOf(5, small);
  let tLarge = bestOf(5, large);
  // A machine busy enough to slow five tries in a row gets a second, longer look: quadratic work
  // still grows 64× in every try, so this only keeps a scheduler stall from deciding.
  if (tLarge > GROWTH_BOUND * tSmall + FLOOR_MS) {
    tSmall = Math.min(tSmall, bestOf(25, small));
    tLarge = Math.min(tLarge, bestOf(25, large));
  }
  assert.ok(tLarge <= GROWTH_BOUND * tSmall + FLOOR_MS, `${label}: ${tSmall.toFixed(3)} ms at ${SMALL}, ${tLarge.toFixed(3)} ms at ${LARGE}`);
}

// Regex pieces, including the ones that make backtracking engines explode: nested and adjacent
// quantifiers over overlapping alternatives, counted repetitions, intervals, empty groups.
const REGEX_PIECES = ['a', 'b', '.', '*', '+', '?', '(', ')', '|', '(a|aa)', '(a*)*', '(a+)+', '(.*)', '.*.*', '[a-c]', '[^b]', '\\d', '{2}', '{1,3}', '{0,}', '<1-999>', '@', '#', '()', '""', '"ab"'];
const WILDCARD_PIECES = ['a', 'b', '*', '?', '\\*', '**', '*a*', 'a*b*a'];
const regex = fc.array(fc.constantFrom(...REGEX_PIECES), { minLength: 1, maxLength: 12 }).map((parts) => `/${parts.join('')}/`);
const wildcard = fc.array(fc.constantFrom(...WILDCARD_PIECES), { minLength: 1, maxLength: 10 }).map((parts) => `*${parts.join('')}`);
// Inputs that keep many automaton states alive, and ones that fail only at the very end.
const INPUTS: Array<(n: number) => string> = [
  (n) => 'a'.repeat(n),
  (n) => `${'a'.repeat(n - 1)}b`,
  (n) => 'ab'.repeat(n / 2),
  (n) => `${'a'.repeat(n - 1)}!`,
  (n) => '1'.repeat(n),
];

test('property: a compiled pattern matches in time linear in the input, and compiles in bounded time', () => {
  fc.assert(
    fc.property(fc.oneof(regex, wildcard), fc.constantFrom(...INPUTS), (source, input) => {
      const started = performance.now();
      const pattern = compileStringPattern(source);
      assert.ok(performance.now() - started < 500, `${source} took ${(performance.now() - started).toFixed(0)} ms to compile`);
      if (pattern === undefined || typeof pattern === 'string') return;
      assertLinear(source, (n) => {
        const text = input(n);
        return () => pattern.test(text);
      });
    }),
    { seed: 15008, numRuns: 150 },
  );
});

test('the classic catastrophic patterns stay linear (a backtracking RegExp would not finish)', () => {
  for (const source of ['/(a+)+b/', '/(a|aa)*c/', '/(a*)*b/', '/(.*a){12}/', '/(a|a?)+b/', '/([a-z]+)*!/']) {
    const pattern = compileStringPattern(source);
    assert.ok(pattern && typeof pattern !== 'string', source);
    assertLinear(source, (n) => {
      const text = `${'a'.repeat(n - 1)}!`;
      return () => pattern.test(text);
    });
  }
});

test('counter-example: a huge repetition of an empty group is refused at once instead of looping', () => {
  // Each repetition of "()" added no automaton state, so the state limit never tripped:
  // {99999999} took half a second and {9999999999999} never finished, at start-up or on reload.
  for (const source of ['/(){99999999}/', '/(){9999999999999}/', '/(""){99999999}/', '/(){0,99999999}/']) {
    const started = performance.now();
    assert.match(String(compileStringPattern(source)), /expands to more than/);
    assert.ok(performance.now() - started < 200, source);
  }
});

/** Users whose fields grow with n: a long name, a deep DN, many groups, long metadata. */
const USERS: Array<(n: number) => UserData> = [
  (n) => ({ username: 'a'.repeat(n), groups: [], metadata: {} }),
  (n) => ({ username: 'u', dn: Array.from({ length: n / 8 }, (_, i) => `cn=g${i % 10}`).join(','), groups: [], metadata: {} }),
  (n) => ({ username: 'u', dn: `cn=${'\\41'.repeat(n / 4)},dc=x`, groups: [], metadata: {} }),
  (n) => ({ username: 'u', dn: Array.from({ length: n / 8 }, () => 'a=#00').join(','), groups: [], metadata: {} }),
  (n) => ({ username: 'u', groups: Array.from({ length: n / 8 }, (_, i) => `cn=group${i},ou=groups,dc=example,dc=com`), metadata: {} }),
  (n) => ({ username: 'u', groups: [], metadata: { a: 'a'.repeat(n), b: Array.from({ length: n / 8 }, (_, i) => `v${i}`) } }),
];
const RULES: unknown[] = [
  { field: { username: '/(a|aa)*b/' } },
  { field: { username: '*a*a*a*b' } },
  { field: { dn: '*,dc=example,dc=com' } },
  { field: { dn: 'cn=g1,cn=g2,dc=x' } },
  { field: { groups: ['cn=admins,ou=groups,dc=example,dc=com', '*,ou=groups,dc=other,dc=com', '/cn=group[0-9]*9,.*/'] } },
  { all: [{ field: { 'metadata.a': '/a*a*a*c/' } }, { except: { field: { 'metadata.b': 'v*x' } } }] },
  { any: [{ field: { username: ['x', 'y', '/.*z/'] } }, { field: { 'realm.name': 'r*' } }, { field: { dn: '*,cn=g9' } }] },
];

test('property: matching a rule against a user takes time linear in the size of the user', () => {
  fc.assert(
    fc.property(fc.constantFrom(...RULES), fc.constantFrom(...USERS), (input, user) => {
      const problems: string[] = [];
      const rule = parseRule(input, 'rules', problems) as Rule;
      assert.deepEqual(problems, []);
      assertLinear(JSON.stringify(input), (n) => {
        const data = user(n);
        return () => matchRule(rule, data);
      });
    }),
    { seed: 15009, numRuns: 60 },
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileStringPattern } from './string-pattern.ts';

// [pattern, values that match, values that do not]
const table: Array<[string, string[], string[]]> = [
  ['*', ['', 'anything'], []],
  ['a*', ['a', 'abc'], ['', 'ba']],
  ['*.example.com', ['x.example.com'], ['example.com', 'x.example.com.evil']],
  ['a?c*', ['abc', 'abcd'], ['ac']],
  ['\\**', ['*', '*x'], ['x']],
  ['/abc/', ['abc'], ['xabc', 'abcx', 'ABC']],
  ['/a.c/', ['abc', 'a.c', 'a\u{1F600}c'], ['ac']],
  ['/ab*c+/', ['ac', 'abbbcc'], ['ab']],
  ['/a{2,3}/', ['aa', 'aaa'], ['a', 'aaaa']],
  ['/a{2,}/', ['aa', 'aaaaa'], ['a']],
  ['/a{2}/', ['aa'], ['aaa']],
  ['/[a-c]+/', ['abcabc'], ['abd']],
  ['/[^a-c]/', ['d'], ['a', '']],
  ['/[\\d_]+/', ['1_2'], ['a']],
  ['/\\d\\s\\w/', ['1 a'], ['a 1']],
  ['/a|b|/', [], []],
  ['/(ab|cd)*/', ['', 'abcd', 'cdab'], ['abc']],
  ['/"a.*"b/', ['a.*b'], ['aab']],
  ['/a\\.b/', ['a.b'], ['axb']],
  ['/^a$/', ['^a$'], ['a']],
  ['/*a/', ['*a'], ['a', 'ba']],
  ['/|a/', ['|a'], ['a']],
  ['/()a/', ['a'], ['']],
  ['/@/', ['', 'x'], []],
  ['/#/', [], ['', 'x']],
  ['/a#|b/', ['b'], ['a']],
  ['/<1-100>/', ['1', '50', '100', '007', '0100'], ['0', '101', '', '1a']],
  ['/<0-9>/', ['0', '9'], ['00', '10']],
  ['/<01-10>/', ['01', '09', '10'], ['1', '00', '11', '010']],
  ['/<10-1>/', ['1', '10', '05'], ['11']],
  ['/<123-4567>/', ['123', '999', '4567', '0456'], ['122', '4568', '12']],
  ['/v<2147483646-2147483647>/', ['v2147483647'], ['v2147483645']],
  ['/[]a]/', [']', 'a'], ['b']],
];

for (const [pattern, hits, misses] of table) {
  test(`pattern ${pattern}`, () => {
    const compiled = compileStringPattern(pattern);
    if (pattern === '/a|b|/') {
      assert.equal(typeof compiled, 'string', 'an empty branch is a syntax error in Lucene');
      return;
    }
    assert.ok(compiled && typeof compiled === 'object', `compiles: ${String(compiled)}`);
    for (const v of hits) assert.equal(compiled.test(v), true, `${pattern} ~ ${v}`);
    for (const v of misses) assert.equal(compiled.test(v), false, `${pattern} !~ ${v}`);
  });
}

test('values without * or surrounding slashes are compared exactly', () => {
  for (const v of ['admin', 'a?c', '/', '/abc', 'abc/', '']) assert.equal(compileStringPattern(v), undefined, v);
});

test('pattern problems', () => {
  assert.equal(compileStringPattern('/a{3,1}/'), 'invalid regular expression /a{3,1}/: repetition {3,1} has max below min');
  assert.equal(compileStringPattern('/[b-a]/'), 'invalid regular expression /[b-a]/: invalid character range ending at position 4');
  assert.equal(compileStringPattern('/<1-99999999999>/'), 'invalid regular expression /<1-99999999999>/: interval <1-99999999999> has a bound above 2147483647');
  assert.equal(compileStringPattern('/<-5>/'), 'invalid regular expression /<-5>/: interval <-5> must be <min-max> with decimal bounds');
  assert.equal(compileStringPattern('/a)/'), "invalid regular expression /a)/: unexpected ')' at position 1");
  assert.equal(compileStringPattern('/"ab/'), 'invalid regular expression /"ab/: unterminated string starting at position 0');
  assert.equal(compileStringPattern(`/${'('.repeat(150)}a${')'.repeat(150)}/`), `invalid regular expression /${'('.repeat(150)}a${')'.repeat(150)}/: nesting deeper than 100`);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FilterParser, EqualityFilter, AndFilter } from 'ldapts';
import { escapeFilterValue, userFilter, userFilterProblem } from './ldap-filter.ts';

const TEMPLATE = '(&(objectClass=person)(uid={login}))';

test('escapes exactly what RFC 4515 §3 names: * ( ) \\ and NUL', () => {
  assert.equal(escapeFilterValue('*)(uid=*'), '\\2a\\29\\28uid=\\2a');
  assert.equal(escapeFilterValue('a\\b'), 'a\\5cb');
  assert.equal(escapeFilterValue('x\u0000y'), 'x\\00y');
  assert.equal(escapeFilterValue('jürgen.o\'neil+1@example.com'), 'jürgen.o\'neil+1@example.com');
});

test('whatever the login, the filter stays one equality on uid with the login as its literal value', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (login) => {
      const parsed = FilterParser.parseString(userFilter(TEMPLATE, login));
      assert.ok(parsed instanceof AndFilter);
      assert.equal(parsed.filters.length, 2);
      const uid = parsed.filters[1];
      assert.ok(uid instanceof EqualityFilter, `${JSON.stringify(login)} became ${parsed.toString()}`);
      assert.equal(uid.attribute, 'uid');
      assert.equal(Buffer.isBuffer(uid.value) ? uid.value.toString('utf8') : uid.value, login);
    }),
    { numRuns: 500 },
  );
});

test('the template is checked at start-up: the placeholder, one filter, balanced, parseable', () => {
  assert.equal(userFilterProblem(TEMPLATE), undefined);
  assert.equal(userFilterProblem('(&(objectClass=user)(sAMAccountName={login})(!(userAccountControl:1.2.840.113556.1.4.803:=2)))'), undefined);
  assert.match(userFilterProblem('(uid=alice)') ?? '', /\{login\}/);
  assert.match(userFilterProblem('uid={login}') ?? '', /parenthesised/);
  assert.match(userFilterProblem('(uid={login})(objectClass=*)') ?? '', /one parenthesised filter/);
  assert.match(userFilterProblem('(&(uid={login})') ?? '', /unbalanced|one parenthesised/);
  assert.match(userFilterProblem('(&(uid={login})(=x))') ?? '', /parse/);
});

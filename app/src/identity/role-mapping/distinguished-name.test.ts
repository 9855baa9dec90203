import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDescendantOf, parseDn } from './distinguished-name.ts';

// [input, normalised form, or undefined when it is not a DN]
const table: Array<[string, string | undefined]> = [
  ['CN=Admins , DC=Example,dc=COM', 'cn=admins,dc=example,dc=com'],
  ['cn=a\\,b,dc=x', 'cn=a\\,b,dc=x'],
  ['cn="x, y";dc=z', 'cn=x\\, y,dc=z'],
  ['uid=b+CN=A,dc=c', 'cn=a+uid=b,dc=c'],
  ['cn=\\4a\\c3\\a9,dc=x', 'cn=jé,dc=x'],
  ['cn=  two   spaces  ,dc=x', 'cn=two spaces,dc=x'],
  ['2.5.4.3=x', '2.5.4.3=x'],
  ['', ''],
  ['finance-team', undefined],
  ['=x', undefined],
  ['cn=a,', undefined],
  ['cn=a\\', undefined],
  ['cn="open', undefined],
  ['1cn=x', undefined],
];

for (const [input, normalized] of table) {
  test(`parseDn ${JSON.stringify(input)}`, () => {
    assert.equal(parseDn(input)?.normalized, normalized);
  });
}

test('isDescendantOf is strict and compares normalised RDNs', () => {
  const base = parseDn('OU=People, DC=Example,DC=com');
  const child = parseDn('uid=x,ou=people,dc=example,dc=com');
  const other = parseDn('uid=x,ou=people,dc=example,dc=org');
  assert.ok(base && child && other);
  assert.equal(isDescendantOf(child, base), true);
  assert.equal(isDescendantOf(base, base), false);
  assert.equal(isDescendantOf(base, child), false);
  assert.equal(isDescendantOf(other, base), false);
});

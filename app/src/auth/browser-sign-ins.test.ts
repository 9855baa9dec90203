import assert from 'node:assert/strict';
import { test } from 'node:test';
import { oldestBeyond } from './browser-sign-ins.ts';

const open = (value: string) => (value.startsWith('ok:') ? { s: `state-${value.slice(3)}`, exp: Number(value.slice(3)) } : undefined);

test('nothing is dropped while one more fits', () => {
  assert.deepEqual(oldestBeyond('x_login_a=ok:1; x_login_b=ok:2', 'x_login_', 3, open), []);
  assert.deepEqual(oldestBeyond(undefined, 'x_login_', 1, open), []);
});

test('beyond the bound the oldest go, those that do not open first; other cookies are never counted', () => {
  const header = 'x=1; x_login_c=ok:30; x_login_a=ok:10; x_login_bad=garbage; x_login_b=ok:20; other_login_z=ok:1';
  assert.deepEqual(
    oldestBeyond(header, 'x_login_', 3, open).map((l) => [l.name, l.state]),
    [['x_login_bad', undefined], ['x_login_a', 'state-10']],
  );
  assert.equal(oldestBeyond(header, 'x_login_', 1, open).length, 4, 'a bound of one: every held sign-in goes');
});

test('a name sent twice counts once, by its newest value that opens', () => {
  assert.deepEqual(oldestBeyond('x_login_a=garbage; x_login_a=ok:50; x_login_b=ok:40', 'x_login_', 2, open).map((l) => l.name), ['x_login_b']);
});

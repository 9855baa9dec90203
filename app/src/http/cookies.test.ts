import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clearCookie, readCookies, readCookiesStartingWith, serializeCookie } from './cookies.ts';

test('readCookies finds every value of one name and ignores the rest', () => {
  assert.deepEqual(readCookies('a=1; gh=x; b=2; gh=y', 'gh'), ['x', 'y']);
  assert.deepEqual(readCookies('gha=1; agh=2', 'gh'), []);
  assert.deepEqual(readCookies(undefined, 'gh'), []);
});

test('readCookies survives malformed headers', () => {
  for (const header of ['', ';;;', '=', 'gh', 'gh=', '==;=gh', ' gh = v ; ', '\u0000gh=\u0001']) {
    assert.doesNotThrow(() => readCookies(header, 'gh'));
  }
  assert.deepEqual(readCookies(' gh = v ; ', 'gh'), ['v']);
});

test('readCookiesStartingWith finds every cookie of a name family, in order, and survives malformed headers', () => {
  assert.deepEqual(readCookiesStartingWith('gh_login_a=1; gh=s; x=gh_login_b; gh_login_b = 2 ;gh_login_a=3', 'gh_login_'), [
    { name: 'gh_login_a', value: '1' },
    { name: 'gh_login_b', value: '2' },
    { name: 'gh_login_a', value: '3' },
  ]);
  for (const header of [undefined, '', ';;;', '=', 'gh_login_', 'gh_login_x', '==;=gh_login_']) assert.deepEqual(readCookiesStartingWith(header, 'gh_login_'), []);
});

test('serializeCookie sets the security attributes', () => {
  assert.equal(
    serializeCookie('__Host-gh', 'v', { domain: undefined, secure: true }),
    '__Host-gh=v; Path=/; HttpOnly; SameSite=Lax; Secure',
  );
  assert.equal(
    clearCookie('gh', { domain: '.example.com', secure: false }),
    'gh=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Domain=.example.com',
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clearCookie, readCookies, serializeCookie } from './cookies.ts';

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

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isAllowedHost, validateRedirect } from './redirect.ts';

const allowed = ['app.localtest', '.example.com'];

test('accepts safe relative and allowed absolute redirects unchanged', () => {
  for (const rd of [
    '/',
    '/some/path?a=1&b=x%20y',
    '/abs-rd/page?x=1&y=/z',
    '/a%25b?q=%C3%A9',
    '/path#frag',
    'http://app.localtest:8080/abs-rd/page?x=1',
    'https://example.com/x',
    'https://deep.sub.example.com/x?y=1',
  ]) {
    assert.equal(validateRedirect(rd, allowed), rd, rd);
  }
});

test('falls back to / for hostile or malformed redirects', () => {
  for (const rd of [
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/ /evil.example',
    '/%09/evil.example',
    '/x/../../evil',
    '/./x',
    '/x/..',
    '/%2e%2e/x',
    '/oauth2/start?rd=/',
    '/OAuth2/sign_out',
    '/%6fauth2/callback',
    '/x\n',
    'http://app.localtest:8080@evil.example/x',
    'http://evil.example/x',
    'http://app.localtest.evil.example/',
    'http://notexample.com/',
    'https://user:pw@app.localtest/',
    'http://app.localtest/oauth2/callback',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,x',
    'ftp://app.localtest/',
    'http:/app.localtest/x',
    'http:\\\\evil.example',
    'http://app.localtest\\@evil.example/',
    'app.localtest/x',
    '',
    '/' + 'a'.repeat(5000),
    '/%E0%A4%A',
  ]) {
    assert.equal(validateRedirect(rd, allowed), '/', JSON.stringify(rd));
  }
  for (const rd of [undefined, null, 42, ['/a'], { a: 1 }]) assert.equal(validateRedirect(rd, allowed), '/');
});

test('a leading-dot domain covers the domain and its subdomains only', () => {
  assert.ok(isAllowedHost('example.com', ['.example.com']));
  assert.ok(isAllowedHost('A.Example.com', ['.example.com']));
  assert.ok(!isAllowedHost('badexample.com', ['.example.com']));
  assert.ok(!isAllowedHost('sub.app.localtest', ['app.localtest']));
});

test('never throws and never returns a protocol-relative or foreign-host redirect', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (rd) => {
      const result = validateRedirect(rd, allowed);
      assert.ok(result === '/' || result === rd);
      if (result.startsWith('/')) {
        assert.ok(!result.startsWith('//') && !result.startsWith('/\\'));
        assert.equal(new URL(result, 'http://base.invalid').host, 'base.invalid');
      } else {
        assert.ok(isAllowedHost(new URL(result).hostname, allowed));
      }
    }),
    { numRuns: 3000 },
  );
});

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

/** Pieces that attacks on redirect validation are built from. */
const RD_PIECES = [
  '/', '//', '\\', '/\\', '.', '..', '%2e', '%2E', '%2f', '%2F', '%5c', '%252e', '%25', '?', '#', '@', ':', ';', '&', '=',
  'oauth2', 'OAUTH2', 'oAuth2', '%6fauth2', 'oauth%32', 'start', 'callback', 'http:', 'https:', 'HTTP://', 'javascript:',
  'app.localtest', 'example.com', '.example.com', 'evil.example', 'evil.example.com', 'example.com.evil', 'user:pw@', ':8080',
  '%00', '%09', '%0a', '\t', ' ', '\u3002', '\uff0e', '\u2044', '\uff0f', 'a', 'x', '0x7f000001', '[::1]',
];
const pieces = fc.array(fc.constantFrom(...RD_PIECES), { minLength: 1, maxLength: 10 }).map((parts) => parts.join(''));
const structuredRd = fc.oneof(
  pieces,
  // Mostly well-formed starts, so that accepted redirects are common and their paths are exercised.
  fc.tuple(fc.constantFrom('/', '/a/', 'https://app.localtest/', 'http://sub.example.com:8080/', 'https://example.com'), pieces).map(([start, rest]) => start + rest),
);

test('property: no input yields a foreign origin or a path under /oauth2/, as a browser resolves it and as nginx routes it', async () => {
  const { nginxPath } = await import('../policy/named/nginx-path.ts');
  const under = (path: string): boolean => /^\/oauth2(\/|$)/i.test(path);
  let accepted = 0;
  fc.assert(
    fc.property(fc.oneof(structuredRd, fc.string({ unit: 'grapheme', maxLength: 60 })), (rd) => {
      const result = validateRedirect(rd, allowed);
      assert.ok(result === '/' || result === rd);
      if (result === '/') return;
      accepted += 1;
      // The browser resolves the Location against the page it is on.
      const landed = new URL(result, 'https://app.localtest/some/page');
      assert.ok(landed.host === 'app.localtest' || isAllowedHost(landed.hostname, allowed), `${rd} lands on ${landed.host}`);
      assert.ok(landed.protocol === 'https:' || landed.protocol === 'http:', `${rd} is ${landed.protocol}`);
      assert.ok(!under(landed.pathname) && !under(decodeURIComponent(landed.pathname)), `${rd} lands on ${landed.pathname}`);
      // nginx decodes the raw path once and resolves dot segments before it picks a location.
      const raw = result.startsWith('/') ? result : (/^https?:\/\/[^/?#]*(.*)$/i.exec(result)?.[1] ?? '');
      const routed = nginxPath(raw.startsWith('/') ? raw : `/${raw}`);
      if (routed.ok) assert.ok(!under(routed.path), `${rd} is routed to ${routed.path}`);
    }),
    { seed: 15004, numRuns: 5000 },
  );
  assert.ok(accepted > 200, `only ${accepted} redirects accepted: the generator misses the safe cases`);
});

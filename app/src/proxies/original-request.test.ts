import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { test } from 'node:test';
import { factsOf, isNavigation, wantsPage, type OriginalRequest } from './original-request.ts';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';

test('wantsPage: Accept names an HTML type above q=0, not an XHR, Sec-Fetch-Mode navigate when sent', () => {
  const yes: IncomingHttpHeaders[] = [
    { accept: BROWSER },
    { accept: BROWSER, 'sec-fetch-mode': 'navigate' },
    { accept: 'TEXT/HTML' },
    { accept: 'application/xhtml+xml' },
    { accept: 'application/json, text/html;level=1;q=0.5' },
    { accept: ' text/html ; q=1' },
  ];
  const no: IncomingHttpHeaders[] = [
    {},
    { accept: '*/*' },
    { accept: 'application/json' },
    { accept: 'text/html;q=0' },
    { accept: 'text/html;q=0.0' },
    { accept: 'text/htmlx' },
    { accept: 'text/*' },
    { accept: BROWSER, 'x-requested-with': 'XMLHttpRequest' },
    { accept: BROWSER, 'x-requested-with': 'xmlhttprequest' },
    { accept: BROWSER, 'sec-fetch-mode': 'cors' },
    { accept: BROWSER, 'sec-fetch-mode': 'no-cors' },
    { accept: BROWSER, 'sec-fetch-mode': 'Navigate' },
    { accept: `${'x/y,'.repeat(600)}text/html` },
  ];
  // Twice: the second time the Accept answers are remembered ones.
  for (let round = 0; round < 2; round++) {
    for (const headers of yes) assert.equal(wantsPage(headers), true, JSON.stringify(headers));
    for (const headers of no) assert.equal(wantsPage(headers), false, JSON.stringify(headers).slice(0, 120));
  }
});

test('wantsPage: right for more distinct Accept values than it remembers', () => {
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 600; i++) {
      assert.equal(wantsPage({ accept: `application/x-${i}, text/html;q=${i % 2}` }), i % 2 === 1);
    }
  }
});

const request = (over: Partial<OriginalRequest>): OriginalRequest => ({
  method: 'GET', scheme: 'https', host: 'app.example.com', uri: '/a', clientIp: '203.0.113.7', wantsPage: true, ...over,
});

test('isNavigation: a page asked for by GET or HEAD; any other method or an API call is not', () => {
  assert.equal(isNavigation(request({})), true);
  assert.equal(isNavigation(request({ method: 'HEAD' })), true);
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) assert.equal(isNavigation(request({ method })), false, method);
  assert.equal(isNavigation(request({ wantsPage: false })), false);
});

test('factsOf: the method, the path as nginx routes it, and a well-formed client address', () => {
  assert.deepEqual(factsOf(request({ uri: '/docs//a/./b/../c?x=/admin' })), { method: 'GET', path: '/docs/a/c', sourceIp: '203.0.113.7', problems: [] });
  assert.deepEqual(factsOf(request({ method: 'POST', uri: '/x/%2e%2e%2fadmin', clientIp: undefined })), { method: 'POST', path: '/admin', problems: [] });
  const above = factsOf(request({ uri: '/../etc' }));
  assert.equal(above.path, undefined);
  assert.match(above.problems.join(), /original path/);
  const badIp = factsOf(request({ clientIp: '203.0.113.7:5000' }));
  assert.equal(badIp.sourceIp, undefined);
  assert.deepEqual(badIp.problems, ['the client address is not an IP address']);
});

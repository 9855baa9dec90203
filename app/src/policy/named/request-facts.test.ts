import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nginxPath } from './nginx-path.ts';
import { requestFacts } from './request-facts.ts';

// X-Original-URL → the path nginx routes on (undefined: a problem is reported instead)
const urls: Array<[string, string | undefined]> = [
  ['http://app.localtest:8080/admin', '/admin'],
  ['http://app.localtest:8080/x/../admin', '/admin'],
  ['http://app.localtest:8080/x/%2e%2e/admin', '/admin'],
  ['http://app.localtest:8080/x/%2E%2E/admin', '/admin'],
  ['http://app.localtest:8080/x/.%2e/admin', '/admin'],
  ['http://app.localtest:8080/x/..%2fadmin', '/admin'],
  ['http://app.localtest:8080//admin', '/admin'],
  ['http://app.localtest:8080/a//b///c', '/a/b/c'],
  ['http://app.localtest:8080/./admin/.', '/admin/'],
  ['http://app.localtest:8080/admin/', '/admin/'],
  ['http://app.localtest:8080/admin;x', '/admin;x'],
  ['http://app.localtest:8080/admin#frag', '/admin'],
  ['http://app.localtest:8080/admin?x=/../..#f', '/admin'],
  ['http://app.localtest:8080/x/../y/%2e%2e//z?q=%C3%A9', '/z'], // T20
  ['http://app.localtest:8080/abs-rd/../api/x', '/api/x'], // T21
  ['http://app.localtest:8080@evil.example/admin', '/admin'], // T22: host ignored
  ['http://app.localtest:8080/%61dmin', '/admin'],
  ['http://app.localtest:8080/a%3Fb', '/a?b'],
  ['http://app.localtest:8080/a%23b', '/a#b'],
  ['http://app.localtest:8080/a%252e%252e/b', '/a%2e%2e/b'],
  ['http://app.localtest:8080/caf%C3%A9', '/café'],
  ['http://app.localtest:8080/a\\..\\b', '/a\\..\\b'],
  ['http://app.localtest:8080/', '/'],
  ['http://app.localtest:8080/x/..', '/'],
  ['http://app.localtest:8080/..', undefined],
  ['http://app.localtest:8080/x/../../admin', undefined],
  ['http://app.localtest:8080/%2e%2e/admin', undefined],
  ['http://app.localtest:8080/public/..;/admin', undefined],
  ['http://app.localtest:8080/a%00b', undefined],
  ['http://app.localtest:8080/a%zzb', undefined],
  ['http://app.localtest:8080/a%C3', undefined],
  ['http://app.localtest:8080/a b', undefined],
  ['http://app.localtest:8080', undefined],
  ['ftp://app.localtest/admin', undefined],
  ['/admin', undefined],
  ['http://[::1/admin', undefined],
];

for (const [url, path] of urls) {
  test(`X-Original-URL ${url} → ${path ?? 'problem'}`, () => {
    const facts = requestFacts({ 'x-original-url': url });
    assert.equal(facts.path, path);
    assert.equal(facts.problems.length, path === undefined ? 1 : 0);
  });
}

test('nginxPath refuses a path not starting with "/"', () => {
  assert.equal(nginxPath('admin').ok, false);
});

// (headers) → (method, sourceIp, problem count)
const others: Array<[Record<string, string | string[]>, string | undefined, string | undefined, number]> = [
  [{ 'x-original-method': 'POST', 'x-real-ip': '10.1.2.3' }, 'POST', '10.1.2.3', 0],
  [{ 'x-original-method': 'get' }, undefined, undefined, 1],
  [{ 'x-original-method': 'GET POST' }, undefined, undefined, 1],
  [{ 'x-real-ip': '2001:db8::1' }, undefined, '2001:db8::1', 0],
  [{ 'x-real-ip': '::ffff:10.0.0.1' }, undefined, '::ffff:10.0.0.1', 0],
  [{ 'x-real-ip': 'fe80::1%eth0' }, undefined, undefined, 1],
  [{ 'x-real-ip': '10.0.0.1, 10.0.0.2' }, undefined, undefined, 1],
  [{ 'x-real-ip': '010.0.0.1' }, undefined, undefined, 1],
  [{ 'x-real-ip': ['10.0.0.1', '10.0.0.2'] }, undefined, undefined, 1],
  [{ 'x-forwarded-for': '10.0.0.1', 'x-forwarded-uri': '/admin', 'x-forwarded-method': 'GET' }, undefined, undefined, 0],
];

for (const [headers, method, sourceIp, problems] of others) {
  test(`facts from ${JSON.stringify(headers)}`, () => {
    const facts = requestFacts(headers);
    assert.equal(facts.method, method);
    assert.equal(facts.sourceIp, sourceIp);
    assert.equal(facts.path, undefined);
    assert.equal(facts.problems.length, problems);
  });
}

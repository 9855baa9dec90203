import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isExtAuthzPath, parseExtAuthzPath } from './ext-authz-path.ts';

test('only the two ext-authz prefixes are ext-authz paths, not look-alikes', () => {
  for (const url of ['/oauth2/ext-authz', '/oauth2/ext-authz/', '/oauth2/ext-authz?x=1', '/oauth2/ext-authz/a/b', '/oauth2/ext-authz-route/q/a']) {
    assert.ok(isExtAuthzPath(url), url);
  }
  for (const url of ['/oauth2/ext-authzx', '/oauth2/ext-authz-routex/a', '/oauth2/ext-authz-route', '/oauth2/auth', '/OAUTH2/ext-authz', '/x/oauth2/ext-authz']) {
    assert.ok(!isExtAuthzPath(url), url);
  }
});

test('the plain prefix: the rest is the original path and query, the bare prefix the root', () => {
  const cases: Array<[string, string]> = [
    ['/oauth2/ext-authz', '/'],
    ['/oauth2/ext-authz?x=1', '/?x=1'],
    ['/oauth2/ext-authz/', '/'],
    ['/oauth2/ext-authz/a/b?c=/d', '/a/b?c=/d'],
    ['/oauth2/ext-authz//evil.example', '//evil.example'],
  ];
  for (const [url, uri] of cases) assert.deepEqual(parseExtAuthzPath(url), { ok: true, routeQuery: '', uri }, url);
});

test('the route prefix: the segment up to the next "/" is the route query, the rest the original path', () => {
  const cases: Array<[string, string, string]> = [
    ['/oauth2/ext-authz-route/allowed_groups=admins/a?b=1', 'allowed_groups=admins', '/a?b=1'],
    ['/oauth2/ext-authz-route/allowed_groups=admins&backend=none/', 'allowed_groups=admins&backend=none', '/'],
    ['/oauth2/ext-authz-route/policy=reads-only/docs/x', 'policy=reads-only', '/docs/x'],
    ['/oauth2/ext-authz-route/allowed_emails=a%40example.com/x', 'allowed_emails=a%40example.com', '/x'],
    ['/oauth2/ext-authz-route/allowed_groups=a%2Fb/x?y=/z', 'allowed_groups=a%2Fb', '/x?y=/z'],
  ];
  for (const [url, routeQuery, uri] of cases) assert.deepEqual(parseExtAuthzPath(url), { ok: true, routeQuery, uri }, url);
});

test('a route form without a query segment, or without a path after it, is a problem', () => {
  for (const url of ['/oauth2/ext-authz-route/', '/oauth2/ext-authz-route//a', '/oauth2/ext-authz-route/policy=x', '/oauth2/ext-authz-route/q?x=1/a']) {
    const parsed = parseExtAuthzPath(url);
    assert.equal(parsed.ok, false, url);
  }
});

test('never throws; a parsed path starts with "/" and its route query holds no "/"', () => {
  const url = fc.oneof(
    fc.string({ maxLength: 80 }).map((s) => `/oauth2/ext-authz${s}`),
    fc.string({ maxLength: 80 }).map((s) => `/oauth2/ext-authz-route/${s}`),
  );
  fc.assert(
    fc.property(url, (u) => {
      const parsed = parseExtAuthzPath(u);
      if (!parsed.ok) return;
      if (u.startsWith('/oauth2/ext-authz-route/')) {
        assert.ok(parsed.uri.startsWith('/'));
        assert.ok(!parsed.routeQuery.includes('/') && parsed.routeQuery !== '');
        assert.equal(`/oauth2/ext-authz-route/${parsed.routeQuery}${parsed.uri}`, u);
      }
    }),
    { numRuns: 2000, seed: 1494 },
  );
});

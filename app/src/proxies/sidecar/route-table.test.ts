import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nginxPath } from '../../policy/named/nginx-path.ts';
import { parseSidecarRoutes, routePolicyFor, skipsCheck, type SidecarRoutes } from './route-table.ts';

const anyPolicy = (): undefined => undefined;

function parse(input: unknown, checkPolicy: (query: string) => string | undefined = anyPolicy): { table: SidecarRoutes; problems: string[] } {
  const problems: string[] = [];
  return { table: parseSidecarRoutes(input, checkPolicy, problems), problems };
}

/** Whether a request URI skips the check, as the sidecar decides it (raw path and normalised path). */
function skips(table: SidecarRoutes, uri: string): boolean {
  const routed = nginxPath(uri);
  const query = uri.indexOf('?');
  return routed.ok && skipsCheck(table, query === -1 ? uri : uri.slice(0, query), routed.path);
}

describe('the sidecar section', () => {
  const { table, problems } = parse({
    routes: [
      { path: '/admin', methods: ['GET', 'post'], policy: 'allowed_groups=admins' },
      { path: '/admin', policy: '?allowed_groups=root' },
      { path: '^/api/v[0-9]+/reports$', policy: 'policy=reports' },
      { path: '/' },
    ],
    skip: ['/healthz', '^/static/', '^/a|/b'],
  });

  it('parses a valid section without problems', () => {
    assert.deepEqual(problems, []);
    assert.equal(table.routes.length, 4);
  });

  it('takes the first route matching path and method; a literal path is a prefix', () => {
    assert.equal(routePolicyFor(table, 'GET', '/admin'), 'allowed_groups=admins');
    assert.equal(routePolicyFor(table, 'POST', '/admin/users'), 'allowed_groups=admins');
    assert.equal(routePolicyFor(table, 'GET', '/administrator'), 'allowed_groups=admins');
    assert.equal(routePolicyFor(table, 'DELETE', '/admin/users'), 'allowed_groups=root', 'the next route for another method');
    assert.equal(routePolicyFor(table, 'GET', '/api/v2/reports'), 'policy=reports');
    assert.equal(routePolicyFor(table, 'GET', '/api/v2/reports/x'), '', 'a pattern ending in $ is whole');
    assert.equal(routePolicyFor(parse({ routes: [{ path: '/x' }] }).table, 'GET', '/y'), '', 'no route: signed in is enough');
  });

  it('skips exact paths and start-anchored patterns only when the path as sent and its normalised form both match', () => {
    assert.equal(skips(table, '/healthz'), true);
    assert.equal(skips(table, '/healthz?verbose=1'), true);
    assert.equal(skips(table, '/healthz/'), false, 'exact means exact');
    assert.equal(skips(table, '/static/app.js'), true);
    assert.equal(skips(table, '/static/a%20b.css'), true);
    for (const sneaky of ['/static/../admin', '/static/%2e%2e/admin', '/static/..%2fadmin', '/healthz/../admin', '/./healthz', '//healthz', '/%68ealthz', '/x/static/y']) {
      assert.equal(skips(table, sneaky), false, sneaky);
    }
  });

  it('keeps every branch of an alternation anchored at the start', () => {
    assert.equal(skips(table, '/a'), true);
    assert.equal(skips(table, '/b'), true);
    assert.equal(skips(table, '/x/b'), false);
  });

  it('is empty when absent', () => {
    for (const input of [undefined, null]) {
      const empty = parse(input);
      assert.deepEqual(empty.problems, []);
      assert.deepEqual(empty.table, { routes: [], skip: [] });
    }
  });
});

describe('problems in the sidecar section', () => {
  it('names each one with its place, all at once', () => {
    const { problems, table } = parse(
      {
        routes: [
          { path: 'admin' },
          { path: '/a/../b' },
          { path: '/a%2fb' },
          { path: '^/(x' },
          { path: '/ok', methods: [] },
          { path: '/ok', methods: ['GET', 'BAD METHOD'] },
          { path: '/ok', policy: 42 },
          { path: '/ok', polcy: 'x' },
          'just a string',
          { path: '/ok', policy: 'allowed_grups=admins' },
        ],
        skip: ['healthz', '', 7, '^(/x'],
        extra: true,
      },
      (query) => (query.startsWith('allowed_grups') ? 'unknown parameter allowed_grups' : undefined),
    );
    assert.deepEqual(problems, [
      'sidecar: unknown key "extra"; known keys: routes, skip',
      'sidecar.routes[0].path: "admin" must be a path starting with "/" or a pattern starting with "^"',
      'sidecar.routes[1].path: "/a/../b" is not a normalised path (no "//", "." or ".." segments)',
      'sidecar.routes[2].path: "/a%2fb" must be a decoded path without "%", "?" or "#"',
      'sidecar.routes[3].path: "^/(x" is not a valid regular expression',
      'sidecar.routes[4].methods: must be a non-empty list of HTTP methods, or left out for every method',
      'sidecar.routes[5].methods[1]: "BAD METHOD" is not an HTTP method',
      'sidecar.routes[6].policy: must be an auth-url query such as "allowed_groups=admins"',
      'sidecar.routes[7]: unknown key "polcy"; known keys: path, methods, policy',
      'sidecar.routes[8]: must be a mapping with path, and optionally methods and policy',
      'sidecar.routes[9].policy: "allowed_grups=admins": unknown parameter allowed_grups',
      'sidecar.skip[0]: "healthz" must be a path starting with "/" or a pattern starting with "^"',
      'sidecar.skip[1]: "" must be a path starting with "/" or a pattern starting with "^"',
      'sidecar.skip[2]: 7 must be a path starting with "/" or a pattern starting with "^"',
      'sidecar.skip[3]: "^(/x" is not a valid regular expression',
    ]);
    // A route with a problem is left out rather than used half-read.
    assert.equal(table.routes.length, 0);
  });

  it('refuses a section that is not a mapping, and lists that are not lists', () => {
    assert.deepEqual(parse(['/x']).problems, ['sidecar: must be a mapping with routes and/or skip']);
    assert.deepEqual(parse({ routes: '/x', skip: {} }).problems, ['sidecar.routes: must be a list of at most 1000 entries', 'sidecar.skip: must be a list of at most 1000 entries']);
  });
});

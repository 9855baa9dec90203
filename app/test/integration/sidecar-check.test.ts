/**
 * Sidecar mode's check against a real OpenID Provider and a real app: who gets through and what
 * the others see (302/303 to sign-in, 401 with a challenge, the denied page or a bare 403), route
 * policies by path and method from the config file, the skip list, gatehouse's own paths, and
 * what the app receives (identity headers, no spoofed copies, X-Forwarded-*, one request id).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually } from '../support/eventually.ts';
import { rawExchange, startSidecarHarness, type SidecarHarness } from '../support/sidecar-harness.ts';

const FILE = `
policies:
  reports-readers: { groups: [devs], methods: [GET] }
sidecar:
  routes:
    - { path: /admin, methods: [GET, HEAD], policy: "allowed_groups=admins" }
    - { path: /admin, policy: "allowed_groups=root" }
    - { path: "^/reports/[0-9]+$", policy: "policy=reports-readers" }
  skip: [/app-health, "^/public/"]
`;

const JSON_ACCEPT = { accept: 'application/json' };
const PAGE_ACCEPT = { accept: 'text/html,application/xhtml+xml' };

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
}

describe('sidecar mode: the check', () => {
  let s: SidecarHarness;
  let alice: string;
  let bob: string;
  before(async () => {
    s = await startSidecarHarness(FILE);
    [alice, bob] = [await s.h.signIn('alice'), await s.h.signIn('bob')];
  });
  after(() => s.stop());

  const get = (path: string, headers: Record<string, string> = {}, method = 'GET') => s.h.request(path, { method, headers });
  const seen = (): string[] => [...s.app.requests];
  /** The status of a GET sent byte for byte: URL parsing would normalise the paths under test. */
  const rawStatus = async (path: string, cookie?: string): Promise<number> => {
    const head = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nAccept: application/json\r\n${cookie ? `Cookie: ${cookie}\r\n` : ''}Connection: close\r\n\r\n`;
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(await rawExchange(s.port, head))?.[1]);
  };

  it('sends a browser that is not signed in to sign-in with the original URL, other methods with 303, and never reaches the app', async () => {
    const before = seen().length;
    const nav = await get('/deep/link?a=1&b=x%20y', PAGE_ACCEPT);
    assert.equal(nav.status, 302);
    assert.equal(nav.headers.location, `${s.h.baseUrl}/oauth2/start?rd=${encodeURIComponent('/deep/link?a=1&b=x%20y')}`);
    assert.equal(nav.headers['cache-control'], 'no-store');
    const post = await get('/form', PAGE_ACCEPT, 'POST');
    assert.equal(post.status, 303);
    assert.equal(seen().length, before, 'nothing reached the app');
  });

  it('answers an API client that is not signed in with 401 and WWW-Authenticate', async () => {
    const clients: Record<string, string>[] = [JSON_ACCEPT, { ...PAGE_ACCEPT, 'x-requested-with': 'XMLHttpRequest' }, { cookie: 'gatehouse=forged' }];
    for (const headers of clients) {
      const res = await get('/api/items', headers);
      assert.equal(res.status, 401, JSON.stringify(headers));
      assert.match(String(res.headers['www-authenticate']), /realm="gatehouse"/);
      assert.equal(res.headers.location, undefined);
    }
  });

  it("passes a signed-in request with gatehouse's identity headers, none of the client's copies, and gatehouse's own cookies cut out", async () => {
    const res = await get('/hello?x=1', {
      ...JSON_ACCEPT,
      cookie: `${alice}; theme=dark`,
      'X-Auth-Request-User': 'mallory',
      'X-Auth-Request-Email': 'mallory@evil.example',
      'X-Auth-Request-Roles': 'superuser',
      'ES-TrustedAuth': 'admin; $admins',
      'X-Forwarded-For': '203.0.113.66',
      'X-Forwarded-Host': 'evil.example',
      'X-Request-ID': 'trace-42',
    });
    assert.equal(res.status, 200);
    const echo = JSON.parse(res.body) as Echo;
    assert.equal(echo.url, '/hello?x=1');
    assert.equal(echo.headers['x-auth-request-user'], 'alice');
    assert.equal(echo.headers['x-auth-request-email'], 'alice@example.com');
    assert.equal(echo.headers['x-auth-request-groups'], 'admins,devs');
    assert.equal(echo.headers['x-auth-request-roles'], undefined);
    assert.equal(echo.headers['es-trustedauth'], undefined);
    assert.equal(echo.headers['x-forwarded-for'], '127.0.0.1', "the peer, not the client's claim");
    assert.equal(echo.headers['x-forwarded-host'], new URL(s.h.baseUrl).host);
    assert.equal(echo.headers['x-forwarded-proto'], 'http', 'the scheme of GATEHOUSE_REDIRECT_URL');
    assert.equal(echo.headers['x-request-id'], 'trace-42');
    assert.match(echo.headers['cookie'] ?? '', /theme=dark/);
    assert.doesNotMatch(echo.headers['cookie'] ?? '', /gatehouse=/, 'the session cookie never reaches the app');
  });

  it('gives the app and the check log one request id, made up when the client sent none', async () => {
    const res = await get('/id', { ...JSON_ACCEPT, cookie: alice });
    const id = (JSON.parse(res.body) as Echo).headers['x-request-id'];
    assert.ok(id);
    // Check lines are written in batches.
    const line = await eventually(async () => s.h.logs.find((l) => l.requestId === id) ?? Promise.reject(new Error('no line yet')));
    assert.equal(line.status, 200);
  });

  it('applies the first route policy matching path and method', async () => {
    assert.equal((await get('/admin/panel', { ...JSON_ACCEPT, cookie: alice })).status, 200);
    assert.equal((await get('/admin/panel', { ...JSON_ACCEPT, cookie: bob })).status, 403);
    assert.equal((await get('/admin/panel', { ...JSON_ACCEPT, cookie: alice }, 'DELETE')).status, 403, 'DELETE falls to the root-only route');
    assert.equal((await get('/reports/7', { ...JSON_ACCEPT, cookie: bob })).status, 200);
    assert.equal((await get('/reports/7', { ...JSON_ACCEPT, cookie: bob }, 'POST')).status, 403, 'the named policy allows GET only');
    assert.equal((await get('/reports/7/x', { ...JSON_ACCEPT, cookie: bob }, 'POST')).status, 200, 'no route matches: signed in is enough');
    // The route is chosen on the normalised path, as nginx would route it.
    for (const path of ['/x/../admin/panel', '/%61dmin/panel', '//admin/panel', '/admin/./panel']) assert.equal(await rawStatus(path, bob), 403, path);
  });

  it('shows a browser refused by a route the denied page, and an API client a bare 403', async () => {
    const page = await get('/admin', { ...PAGE_ACCEPT, cookie: bob });
    assert.equal(page.status, 403);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /bob/);
    const api = await get('/admin', { ...JSON_ACCEPT, cookie: bob });
    assert.equal(api.status, 403);
    assert.equal(api.body, '');
  });

  it('passes the skip list without a check, yet without any client copy of an identity header', async () => {
    for (const path of ['/app-health', '/app-health?deep=1', '/public/app.js']) {
      const res = await get(path, { ...JSON_ACCEPT, 'X-Auth-Request-User': 'mallory' });
      assert.equal(res.status, 200, path);
      const echo = JSON.parse(res.body) as Echo;
      assert.equal(echo.headers['x-auth-request-user'], undefined, path);
    }
    for (const path of ['/app-health/', '/public/../admin', '/public/%2e%2e/admin', '/public/..%2fadmin', '/./app-health', '/%61pp-health']) {
      assert.equal(await rawStatus(path), 401, path);
    }
  });

  it("keeps gatehouse's own paths: /oauth2/*, /healthz and /readyz never reach the app", async () => {
    const before = seen().length;
    assert.equal((await get('/healthz')).status, 200);
    assert.equal((await get('/readyz')).status, 200);
    assert.equal((await get('/oauth2/userinfo', { cookie: alice })).status, 200);
    assert.equal((await get('/oauth2/nothing-here', JSON_ACCEPT)).status, 404);
    assert.equal(seen().length, before);
  });

  it('answers a refused upload at once and closes the connection instead of reading the body', async () => {
    const uploads = (): number => seen().filter((r) => r.startsWith('POST /upload')).length;
    const before = uploads();
    const started = Date.now();
    const answer = await rawExchange(s.port, `POST /upload HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nContent-Length: 1000000000\r\n\r\nfirst bytes`, 5000);
    assert.match(answer, /^HTTP\/1\.1 401 /);
    assert.match(answer, /Connection: close/i);
    assert.ok(Date.now() - started < 2000, `the connection stayed open ${Date.now() - started} ms`);
    assert.equal(uploads(), before, 'the app never saw it');
  });

  it('refuses a request it cannot read with 400, never a check or an allow', async () => {
    const res = await get('/x', { ...JSON_ACCEPT, cookie: alice, host: 'bad host!' });
    assert.equal(res.status, 400);
    const line = s.h.logs.findLast((l) => l.status === 400);
    assert.match(String(line?.err), /host is not a host name/);
  });

  it('passes HEAD, and a body both ways', async () => {
    const head = await get('/hello', { ...JSON_ACCEPT, cookie: alice }, 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    const upload = await s.h.request('/upload', { method: 'POST', headers: { cookie: alice }, body: 'x'.repeat(300_000) });
    assert.deepEqual(JSON.parse(upload.body), { bytes: 300_000 });
    const download = await get('/download?bytes=200000', { cookie: alice });
    assert.equal(download.body.length, 200_000);
  });
});

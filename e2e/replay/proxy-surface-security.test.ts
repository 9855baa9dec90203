/**
 * The proxy endpoints under hostile input, against a real gatehouse: a client that reaches
 * /oauth2/forward-auth or /oauth2/ext-authz directly with forged X-Forwarded-* gets 401 and no
 * decision; a request body is never read (an answer never waits for one); oversized or malformed
 * descriptions of the original request get 400 (Node's own 431 past the 64 KiB header limit),
 * never a 5xx and never a decision.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { navigationHeaders } from './client-request.ts';
import { headerOf, sendRaw, type RawHeader } from './raw-http.ts';
import { startReplayHarness, type ReplayHarness } from './replay-harness.ts';

const checkLines = (ctx: ReplayHarness, since: number) =>
  ctx.harness.logs.slice(since).filter((l) => l.msg === 'auth check' || l.msg === 'auth check failed');

describe('a client reaching the proxy endpoints directly (untrusted peer)', () => {
  let ctx: ReplayHarness;
  before(async () => {
    // Only a network no test connects from is trusted: loopback is a stranger here.
    ctx = await startReplayHarness({ GATEHOUSE_TRUSTED_PROXY_SOURCES: '10.0.0.0/8' });
  });
  after(() => ctx.stop());

  it('forged X-Forwarded-* with a valid session: 401 proxy-untrusted, no redirect, no decision', async () => {
    const forged: RawHeader[] = [
      ['Host', 'app.localtest'],
      ...navigationHeaders(ctx.alice),
      ['X-Forwarded-Method', 'GET'],
      ['X-Forwarded-Proto', 'https'],
      ['X-Forwarded-Host', 'evil.example'],
      ['X-Forwarded-Uri', '/docs/guide'],
      ['X-Forwarded-For', '10.0.0.1'],
    ];
    for (const target of ['/oauth2/forward-auth?policy=reads-only', '/oauth2/ext-authz/docs/guide', '/oauth2/ext-authz-route/allowed_groups=admins/x']) {
      const since = ctx.harness.logs.length;
      const res = await sendRaw(ctx.port, { method: 'GET', target, headers: forged });
      assert.equal(res.status, 401, target);
      assert.equal(headerOf(res, 'location'), undefined);
      assert.equal(headerOf(res, 'x-auth-request-user'), undefined);
      assert.deepEqual(
        checkLines(ctx, since).map((l) => [l.result, l.reasons, l.user]),
        [['error', ['proxy-untrusted'], undefined]],
      );
    }
  });
});

describe('hostile requests from a trusted proxy', () => {
  let ctx: ReplayHarness;
  before(async () => {
    ctx = await startReplayHarness();
  });
  after(() => ctx.stop());

  const forwardAuth = (overrides: Record<string, string | string[]>): RawHeader[] => {
    const values: Record<string, string | string[]> = {
      'X-Forwarded-Method': 'GET',
      'X-Forwarded-Proto': 'https',
      'X-Forwarded-Host': 'app.localtest',
      'X-Forwarded-Uri': '/a',
      'X-Forwarded-For': '203.0.113.7',
      ...overrides,
    };
    const headers: RawHeader[] = [['Host', '127.0.0.1'], ['Cookie', ctx.alice]];
    for (const [name, value] of Object.entries(values)) for (const v of Array.isArray(value) ? value : [value]) headers.push([name, v]);
    return headers;
  };

  it('a POST body is never read: the answer comes while the body is still on its way', async () => {
    for (const length of ['1048576', '99999999999999']) {
      const res = await sendRaw(ctx.port, {
        method: 'POST',
        target: '/oauth2/ext-authz/upload',
        headers: [['host', 'app.localtest'], ['cookie', ctx.alice], ['content-length', length]],
        body: 'first bytes of a body that never ends',
      }, 2000);
      assert.equal(res.status, 200, `Content-Length: ${length}`);
    }
    const chunked = await sendRaw(ctx.port, {
      method: 'PUT',
      target: '/oauth2/ext-authz/upload',
      headers: [['host', 'app.localtest'], ['transfer-encoding', 'chunked']],
      body: '5\r\nhello\r\n',
    }, 2000);
    assert.equal(chunked.status, 401);
  });

  it('oversized descriptions: 400 up to the 64 KiB header limit, Node\'s 431 beyond it, never a 5xx', async () => {
    const cases: Array<[what: string, send: () => ReturnType<typeof sendRaw>, status: number]> = [
      ['a 9 KiB X-Forwarded-Uri', () => sendRaw(ctx.port, { method: 'GET', target: '/oauth2/forward-auth', headers: forwardAuth({ 'X-Forwarded-Uri': `/${'a'.repeat(9 * 1024)}` }) }), 400],
      ['a 60 KiB X-Forwarded-Uri', () => sendRaw(ctx.port, { method: 'GET', target: '/oauth2/forward-auth', headers: forwardAuth({ 'X-Forwarded-Uri': `/${'a'.repeat(60 * 1024)}` }) }), 400],
      ['a 70 KiB X-Forwarded-Uri', () => sendRaw(ctx.port, { method: 'GET', target: '/oauth2/forward-auth', headers: forwardAuth({ 'X-Forwarded-Uri': `/${'a'.repeat(70 * 1024)}` }) }), 431],
      ['a 9 KiB original path', () => sendRaw(ctx.port, { method: 'GET', target: `/oauth2/ext-authz/${'a'.repeat(9 * 1024)}`, headers: [['host', 'app.localtest']] }), 400],
    ];
    for (const [what, send, status] of cases) assert.equal((await send()).status, status, what);
  });

  it('malformed forwarded headers get 400 forwarded-request-invalid and no decision', async () => {
    const cases: Array<[string, Record<string, string | string[]>]> = [
      ['repeated X-Forwarded-Host', { 'X-Forwarded-Host': ['app.localtest', 'evil.example'] }],
      ['repeated X-Forwarded-Uri', { 'X-Forwarded-Uri': ['/a', '/docs/'] }],
      ['a tab in X-Forwarded-Uri', { 'X-Forwarded-Uri': '/a\t/b' }],
      ['non-ASCII in X-Forwarded-Uri', { 'X-Forwarded-Uri': Buffer.from('/caf\u00e9', 'utf8').toString('latin1') }],
      ['a relative X-Forwarded-Uri', { 'X-Forwarded-Uri': 'a/b' }],
      ['a port above 65535', { 'X-Forwarded-Host': 'app.localtest:99999' }],
      ['userinfo in X-Forwarded-Host', { 'X-Forwarded-Host': 'app.localtest@evil.example' }],
      ['a path in X-Forwarded-Host', { 'X-Forwarded-Host': 'evil.example/app.localtest' }],
      ['a lower-case method', { 'X-Forwarded-Method': 'get' }],
      ['a method with a space', { 'X-Forwarded-Method': 'GET /' }],
      ['a scheme other than http(s)', { 'X-Forwarded-Proto': 'javascript' }],
      ['an empty X-Forwarded-Host', { 'X-Forwarded-Host': '' }],
    ];
    for (const [what, overrides] of cases) {
      const since = ctx.harness.logs.length;
      const res = await sendRaw(ctx.port, { method: 'GET', target: '/oauth2/forward-auth', headers: forwardAuth(overrides) });
      assert.equal(res.status, 400, what);
      assert.deepEqual(checkLines(ctx, since).map((l) => [l.result, l.reasons]), [['error', ['forwarded-request-invalid']]], what);
    }
  });

  it('ext-authz: a malformed Host, method or path gets 400 (or Node\'s own 400), never a 5xx', async () => {
    const cases: Array<[string, string, string, RawHeader[]]> = [
      ['a port above 65535', 'GET', '/oauth2/ext-authz/a', [['host', 'app.localtest:70000']]],
      ['no Host', 'GET', '/oauth2/ext-authz/a', []],
      ['repeated X-Forwarded-Proto', 'GET', '/oauth2/ext-authz/a', [['host', 'app.localtest'], ['x-forwarded-proto', 'https'], ['x-forwarded-proto', 'http']]],
      ['a lower-case method', 'get', '/oauth2/ext-authz/a', [['host', 'app.localtest']]],
      ['a route query with no path after it', 'GET', '/oauth2/ext-authz-route/allowed_groups=admins', [['host', 'app.localtest']]],
      ['raw non-ASCII in the path', 'GET', Buffer.from('/oauth2/ext-authz/caf\u00e9', 'utf8').toString('latin1'), [['host', 'app.localtest']]],
    ];
    for (const [what, method, target, headers] of cases) {
      const res = await sendRaw(ctx.port, { method, target, headers });
      assert.equal(res.status, 400, what);
    }
    assert.equal((await ctx.harness.request('/healthz')).status, 200);
  });
});

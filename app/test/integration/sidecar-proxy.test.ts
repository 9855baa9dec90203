/**
 * Sidecar mode's proxying against a real app: WebSocket upgrades after the check (and refused
 * before it), the app's own refusal of an upgrade relayed, keep-alive reuse of the pool, an app that
 * is down (502) or slow (504), and the X-Forwarded-* a trusted proxy in front keeps.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../../e2e/support/ports.ts';
import { openWebSocket, rawExchange, startSidecarHarness, type SidecarHarness } from '../support/sidecar-harness.ts';

const UPGRADE = (path: string, extra = ''): string =>
  `GET ${path} HTTP/1.1\r\nHost: app.localtest\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`;

describe('sidecar mode: WebSocket and the pool', () => {
  let s: SidecarHarness;
  let alice: string;
  before(async () => {
    s = await startSidecarHarness();
    alice = await s.h.signIn('alice');
  });
  after(() => s.stop());

  it('refuses an upgrade that is not signed in with 401, and the app never sees it', async () => {
    const answer = await rawExchange(s.port, UPGRADE('/ws'));
    assert.match(answer, /^HTTP\/1\.1 401 /);
    assert.match(answer, /WWW-Authenticate: /i);
    assert.match(answer, /Connection: close/i);
    assert.ok(!s.app.requests.some((r) => r.startsWith('UPGRADE')), s.app.requests.join('\n'));
    await assert.rejects(openWebSocket(`ws://127.0.0.1:${s.port}/ws`));
  });

  it("tunnels a signed-in upgrade to the app's echo, with gatehouse's identity and not the client's", async () => {
    const ws = await openWebSocket(`ws://127.0.0.1:${s.port}/ws`, { cookie: alice, 'X-Auth-Request-User': 'mallory' });
    ws.send('hello');
    assert.equal(await ws.next(), 'hello');
    const big = 'x'.repeat(200_000);
    ws.send(big);
    assert.equal(await ws.next(), big);
    ws.send('whoami');
    assert.equal(await ws.next(), 'alice');
    ws.close();
  });

  it("relays the app's own refusal of an upgrade", async () => {
    const answer = await rawExchange(s.port, UPGRADE('/ws-refused', `Cookie: ${alice}\r\n`));
    assert.match(answer, /^HTTP\/1\.1 403 /);
    assert.match(answer, /refused$/);
  });

  it('passes other upgrades as plain requests', async () => {
    const answer = await rawExchange(s.port, `GET /plain HTTP/1.1\r\nHost: app.localtest\r\nConnection: Upgrade, close\r\nUpgrade: h2c\r\nAccept: application/json\r\nCookie: ${alice}\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 200 /);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4).replace(/^[0-9a-f]+\r\n|\r\n0\r\n\r\n$/g, '')) as { headers: Record<string, string> };
    assert.equal(body.headers['upgrade'], undefined, 'hop-by-hop: never reaches the app');
  });

  it('reuses kept-alive connections to the app', async () => {
    const before = s.app.connections();
    for (let i = 0; i < 30; i++) assert.equal((await s.h.request(`/n/${i}`, { headers: { cookie: alice } })).status, 200);
    assert.ok(s.app.connections() - before <= 2, `${s.app.connections() - before} new connections for 30 requests`);
  });
});

describe('sidecar mode: an app that fails', () => {
  let down: SidecarHarness;
  let slow: SidecarHarness;
  before(async () => {
    down = await startSidecarHarness('', { GATEHOUSE_UPSTREAM: `http://127.0.0.1:${await freePort()}` });
    slow = await startSidecarHarness('', { GATEHOUSE_UPSTREAM_RESPONSE_TIMEOUT: '500ms' });
  });
  after(async () => {
    await down?.stop();
    await slow?.stop();
  });

  it('answers 502 when the app is not there: a page for a browser, the bare status for an API', async () => {
    const cookie = await down.h.signIn('alice');
    const page = await down.h.request('/', { headers: { cookie, accept: 'text/html' } });
    assert.equal(page.status, 502);
    assert.match(page.body, /could not be reached/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
    const api = await down.h.request('/api', { headers: { cookie, accept: 'application/json' } });
    assert.equal(api.status, 502);
    assert.equal(api.body, '');
    assert.ok(down.h.logs.some((l) => l.msg === 'upstream failed' && l.code === 'ECONNREFUSED'));
  });

  it('answers 504 when the app does not answer in time', async () => {
    const cookie = await slow.h.signIn('alice');
    const started = Date.now();
    const page = await slow.h.request('/slow?ms=3000', { headers: { cookie, accept: 'text/html' } });
    assert.equal(page.status, 504);
    assert.match(page.body, /took too long/);
    assert.ok(Date.now() - started < 2500, `${Date.now() - started} ms`);
    assert.equal((await slow.h.request('/slow?ms=10', { headers: { cookie } })).status, 200, 'a prompt answer still passes');
  });
});

describe('sidecar mode behind a trusted proxy, sending the ID token', () => {
  let s: SidecarHarness;
  before(async () => {
    s = await startSidecarHarness('', { GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.1/32', GATEHOUSE_SET_AUTHORIZATION_HEADER: 'id_token' });
  });
  after(() => s.stop());

  it('appends to its X-Forwarded-For, keeps its -Proto and -Host, and signs browsers in on its host', async () => {
    const cookie = await s.h.signIn('alice');
    const forwarded = { 'x-forwarded-for': '198.51.100.1, 203.0.113.9', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com' };
    const res = await s.h.request('/x', { headers: { cookie, accept: 'application/json', ...forwarded } });
    const echo = JSON.parse(res.body) as { headers: Record<string, string> };
    assert.equal(echo.headers['x-forwarded-for'], '198.51.100.1, 203.0.113.9, 127.0.0.1');
    assert.equal(echo.headers['x-forwarded-proto'], 'https');
    assert.equal(echo.headers['x-forwarded-host'], 'app.example.com');
    const nav = await s.h.request('/deep?q=1', { headers: { accept: 'text/html', ...forwarded } });
    assert.equal(nav.status, 302);
    // Not the sign-in origin: the rd is the full original URL, which .example.com in the harness's allowed domains admits.
    assert.equal(new URL(String(nav.headers.location)).searchParams.get('rd'), 'https://app.example.com/deep?q=1');
  });

  it("replaces the client's Authorization with gatehouse's when GATEHOUSE_SET_AUTHORIZATION_HEADER sets one", async () => {
    const cookie = await s.h.signIn('alice');
    const res = await s.h.request('/x', { headers: { cookie, accept: 'application/json', authorization: 'Bearer forged' } });
    const echo = JSON.parse(res.body) as { headers: Record<string, string> };
    assert.match(echo.headers['authorization'] ?? '', /^Bearer ey[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});

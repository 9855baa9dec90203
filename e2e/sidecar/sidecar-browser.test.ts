/**
 * Sidecar mode in Debian's Chromium, with nothing in front of gatehouse: Chromium → gatehouse
 * (a child process with GATEHOUSE_UPSTREAM) → the app. Sign-in lands on the original URL, the app
 * sees gatehouse's identity headers and not the browser's, sign-out ends access, a WebSocket echo
 * works after sign-in and is refused before it, and an app that is slow or stopped gets 504 and
 * 502 pages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startSidecarStack, type SidecarSite, type SidecarStack } from '../stack/start-sidecar.ts';
import { launchBrowser, newContext } from '../support/browser.ts';
import { startEchoApp, type EchoApp } from '../upstream/echo-app.ts';
import { startStreamApp, type StreamApp } from '../upstream/stream-app.ts';

/** Opens a WebSocket from the page, sends "hello" and "whoami", and reports what came back. */
const webSocketScript = (url: string): string => `new Promise((resolve) => {
  const ws = new WebSocket(${JSON.stringify(url)});
  const got = [];
  const timer = setTimeout(() => resolve({ open: false, got, closeCode: -1 }), 5000);
  ws.onopen = () => { ws.send('hello'); ws.send('whoami'); };
  ws.onmessage = (event) => { got.push(String(event.data)); if (got.length === 2) { clearTimeout(timer); ws.close(); resolve({ open: true, got, closeCode: 0 }); } };
  ws.onclose = (event) => { clearTimeout(timer); resolve({ open: false, got, closeCode: event.code }); };
})`;

interface WebSocketResult {
  open: boolean;
  got: string[];
  closeCode: number;
}

describe('sidecar mode in a real browser', () => {
  let echo: EchoApp;
  let streamApp: StreamApp;
  let stack: SidecarStack;
  let web: SidecarSite;
  let stream: SidecarSite;
  let browser: Browser;
  before(async () => {
    echo = await startEchoApp();
    streamApp = await startStreamApp();
    stack = await startSidecarStack([{ upstreamPort: echo.port }, { upstreamPort: streamApp.port, env: { GATEHOUSE_UPSTREAM_RESPONSE_TIMEOUT: '1s' } }]);
    [web, stream] = stack.sites as [SidecarSite, SidecarSite];
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    await streamApp?.close();
    await echo?.close();
  });

  async function freshPage(extraHTTPHeaders?: Record<string, string>): Promise<Page> {
    const context = await newContext(browser, extraHTTPHeaders ? { extraHTTPHeaders } : {});
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  async function signInAt(page: Page, url: string, login: string): Promise<void> {
    await page.goto(url);
    await page.waitForURL(/\/interaction\//);
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', login);
    await page.click('button[type="submit"]');
  }

  it('signing in lands on the original URL, query intact, and the app names the user', async () => {
    const page = await freshPage();
    const target = `${web.baseUrl}/deep/link?a=1&b=x%20y&c=%2F%25`;
    await signInAt(page, target, 'alice');
    await page.waitForURL(target);
    assert.equal(page.url(), target);
    assert.equal(await page.locator('#user').innerText(), 'alice');
    assert.equal(await page.locator('#request').innerText(), 'GET /deep/link?a=1&b=x%20y&c=%2F%25');
    await page.context().close();
  });

  it("the app sees gatehouse's identity headers and none of the browser's copies", async () => {
    const page = await freshPage({ 'X-Auth-Request-User': 'mallory', 'X-Auth-Request-Groups': 'root', 'X-Auth-Request-Email': 'm@evil.example', 'ES-TrustedAuth': 'mallory; $admins' });
    await signInAt(page, `${web.baseUrl}/whoami`, 'alice');
    await page.waitForURL(`${web.baseUrl}/whoami`);
    assert.equal(await page.locator('#user').innerText(), 'alice');
    const table = await page.locator('#auth-headers').innerText();
    assert.match(table, /admins,devs/);
    assert.match(table, /alice@example\.com/);
    assert.ok(!/mallory|root|evil\.example/.test(table), table);
    await page.context().close();
  });

  it('sign-out ends access: the app is out of reach and the next visit asks to sign in again', async () => {
    const page = await freshPage();
    await signInAt(page, `${web.baseUrl}/`, 'alice');
    await page.waitForURL(`${web.baseUrl}/`);
    await page.click('#sign-out');
    await page.waitForURL(`${web.baseUrl}/oauth2/signed_out?*`);
    const cookies = await page.context().cookies(web.baseUrl);
    assert.ok(!cookies.some((c) => c.name === 'gatehouse'), 'session cookie cleared');
    const api = await page.request.get(`${web.baseUrl}/api/items`, { headers: { accept: 'application/json' } });
    assert.equal(api.status(), 401);
    await page.goto(`${web.baseUrl}/`);
    await page.waitForURL(/\/interaction\//);
    await page.context().close();
  });

  it('a WebSocket is refused before sign-in and echoes through the sidecar after it', async () => {
    const page = await freshPage();
    const url = `${stream.baseUrl.replace(/^http/, 'ws')}/ws`;
    // gatehouse's own probe page: on the app's origin, reachable before sign-in.
    await page.goto(`${stream.baseUrl}/healthz`);
    const refused = (await page.evaluate(webSocketScript(url))) as WebSocketResult;
    assert.deepEqual([refused.open, refused.got], [false, []]);
    assert.ok(!streamApp.requests.some((r) => r.startsWith('UPGRADE')), 'the upgrade never reached the app');
    await signInAt(page, `${stream.baseUrl}/`, 'alice');
    await page.waitForURL(`${stream.baseUrl}/`);
    assert.equal(await page.locator('#user').innerText(), 'alice');
    await page.goto(`${stream.baseUrl}/healthz`);
    const echoed = (await page.evaluate(webSocketScript(url))) as WebSocketResult;
    assert.deepEqual(echoed, { open: true, got: ['hello', 'alice'], closeCode: 0 });
    await page.context().close();
  });

  it('an app that answers too slowly gets the 504 page, and a stopped app the 502 page', async () => {
    const page = await freshPage();
    await signInAt(page, `${stream.baseUrl}/`, 'bob');
    await page.waitForURL(`${stream.baseUrl}/`);
    const slow = await page.goto(`${stream.baseUrl}/slow?ms=5000`);
    assert.equal(slow?.status(), 504);
    assert.match(await page.locator('h1').innerText(), /did not answer in time/);
    await streamApp.close();
    const stopped = await page.goto(`${stream.baseUrl}/anything`);
    assert.equal(stopped?.status(), 502);
    assert.match(await page.locator('h1').innerText(), /not available/);
    assert.match(await page.locator('body').innerText(), /Request ID/);
    await page.context().close();
  });
});

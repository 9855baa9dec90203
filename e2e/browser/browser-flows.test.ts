/**
 * What a person sees, in Debian's Chromium driven by playwright-core, through nginx rendered like
 * ingress-nginx: sign-in through the provider's form, spoofed headers, a forbidden path, an API
 * path, sign-out and a hostile rd.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newContext } from '../support/browser.ts';
import { startStack, type Stack } from '../stack/start-stack.ts';

describe('in a real browser', () => {
  let stack: Stack;
  let browser: Browser;
  before(async () => {
    stack = await startStack();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
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

  it('signing in through the provider form lands on the original URL with its query intact', async () => {
    const page = await freshPage();
    const target = `${stack.baseUrl}/deep/link?a=1&b=x%20y&c=%2F%25`;
    await signInAt(page, target, 'alice');
    await page.waitForURL(target);
    assert.equal(page.url(), target);
    assert.equal(await page.locator('#user').innerText(), 'alice');
    const cookies = await page.context().cookies(stack.baseUrl);
    const session = cookies.find((c) => c.name === 'gatehouse');
    assert.ok(session?.httpOnly, 'session cookie is HttpOnly');
    assert.equal(session?.sameSite, 'Lax');
    assert.ok(!cookies.some((c) => c.name.startsWith('gatehouse_login_')), 'the sign-in cookie is gone');
    await page.context().close();
  });

  it('the upstream shows gatehouse\'s identity headers, not the ones the browser sent', async () => {
    const page = await freshPage({ 'X-Auth-Request-User': 'mallory', 'X-Auth-Request-Groups': 'root', 'X-Auth-Request-Email': 'm@evil.example' });
    await signInAt(page, `${stack.baseUrl}/whoami`, 'alice');
    await page.waitForURL(`${stack.baseUrl}/whoami`);
    assert.equal(await page.locator('#user').innerText(), 'alice');
    const table = await page.locator('#auth-headers').innerText();
    assert.match(table, /admins,devs/);
    assert.match(table, /alice@example\.com/);
    assert.ok(!/mallory|root|evil\.example/.test(table), table);
    await page.context().close();
  });

  it('a user outside allowed_groups gets 403; an API path without auth-signin answers 401', async () => {
    const page = await freshPage();
    const api = await page.goto(`${stack.baseUrl}/api/items`);
    assert.equal(api?.status(), 401);
    await signInAt(page, `${stack.baseUrl}/`, 'bob');
    await page.waitForURL(`${stack.baseUrl}/`);
    const admin = await page.goto(`${stack.baseUrl}/admin/panel`);
    assert.equal(admin?.status(), 403);
    const home = await page.goto(`${stack.baseUrl}/`);
    assert.equal(home?.status(), 200);
    await page.context().close();
  });

  it('sign-out ends access, through the provider\'s logout, lands on the signed-out page, and the next visit asks to sign in again', async () => {
    const page = await freshPage();
    await signInAt(page, `${stack.baseUrl}/`, 'alice');
    await page.waitForURL(`${stack.baseUrl}/`);
    await page.click('#sign-out');
    // After the provider's logout the browser lands on gatehouse's signed-out page.
    await page.waitForURL(`${stack.baseUrl}/oauth2/signed_out?*`);
    assert.equal(await page.locator('h1').innerText(), 'You are signed out');
    const cookies = await page.context().cookies(stack.baseUrl);
    assert.ok(!cookies.some((c) => c.name === 'gatehouse'), 'session cookie cleared');
    const api = await page.goto(`${stack.baseUrl}/api/items`);
    assert.equal(api?.status(), 401);
    await page.goto(`${stack.baseUrl}/`);
    await page.waitForURL(/\/interaction\//);
    await page.context().close();
  });

  it('a hostile rd falls back to / on this host', async () => {
    for (const rd of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const page = await freshPage();
      await signInAt(page, `${stack.baseUrl}/oauth2/start?rd=${encodeURIComponent(rd)}`, 'alice');
      await page.waitForURL(`${stack.baseUrl}/`);
      assert.equal(new URL(page.url()).host, new URL(stack.baseUrl).host, rd);
      await page.context().close();
    }
  });
});

/**
 * gatehouse's own pages in Debian's Chromium, through nginx rendered like ingress-nginx with
 * custom-http-errors: bob's denied page on /admin and what its links do, mallory's page, the
 * signed-out and not-signed-in pages; each without serious or critical axe-core violations and
 * without a Content-Security-Policy complaint.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { seriousViolations } from '../support/axe.ts';
import { launchBrowser } from '../support/browser.ts';
import { startStack, type Stack } from '../stack/start-stack.ts';
import { freshPage, openDeniedPage, PAGES, signInAt } from './page-flows.ts';

describe("gatehouse's pages in a real browser", () => {
  let stack: Stack;
  let browser: Browser;
  before(async () => {
    stack = await startStack({ gatehouseEnv: { GATEHOUSE_SHOW_DENIAL_DETAILS: 'true' } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('the axe check itself finds what it must (an image without alt text, unreadable contrast)', async () => {
    const { page } = await freshPage(browser);
    await page.setContent('<!doctype html><html lang="en"><title>t</title><main><img src="data:,"><p style="color:#eee">faint</p></main></html>');
    const found = await seriousViolations(page);
    assert.ok(found.some((v) => v.includes('image-alt')) && found.some((v) => v.includes('color-contrast')), found.join('\n'));
    await page.context().close();
  });

  for (const { name, open, status } of PAGES) {
    it(`${name}: status ${status}, no serious or critical axe violation, no CSP complaint`, async () => {
      const { page, consoleErrors } = await freshPage(browser);
      const opened = await open(page, stack);
      assert.equal(opened.status, status);
      assert.match(await page.locator('h1').innerText(), /\S/);
      assert.deepEqual(await seriousViolations(page), []);
      assert.deepEqual(consoleErrors.filter((text) => /Content Security Policy/i.test(text)), []);
      await page.context().close();
    });
  }

  it("bob's denied page on /admin says who he is and what /admin needs, and grants nothing", async () => {
    const { page } = await freshPage(browser);
    const opened = await openDeniedPage(page, stack);
    assert.equal(opened.status, 403);
    assert.equal(page.url(), `${stack.baseUrl}/admin/panel`, 'the browser stays on the refused URL');
    assert.equal(await page.locator('#denied-user').innerText(), 'bob');
    assert.equal(await page.locator('#needs').innerText(), 'membership of admins');
    assert.match(await page.locator('#request-id').innerText(), /^[0-9a-f]{32}$/, "nginx's request id");
    assert.equal(await page.locator('script').count(), 0);
    assert.ok(!stack.nginx.accessLog().split('\n').some((line) => line.includes(' /admin/panel HTTP/') && line.includes(`:${stack.echo.port}`)), 'the app never saw it');
    await page.context().close();
  });

  it('"sign in as someone else" signs bob out and brings alice back to /admin', async () => {
    const { page } = await freshPage(browser);
    await openDeniedPage(page, stack);
    await page.click('#switch-account');
    await page.waitForURL(/\/interaction\//);
    await page.fill('input[name="login"]', 'alice');
    await page.fill('input[name="password"]', 'alice');
    const landed = page.waitForResponse((res) => res.url() === `${stack.baseUrl}/admin/panel`);
    await page.click('button[type="submit"]');
    assert.equal((await landed).status(), 200);
    assert.equal(await page.locator('#user').innerText(), 'alice');
    await page.context().close();
  });

  it('"sign out" on the denied page ends the session and lands on the signed-out page', async () => {
    const { page } = await freshPage(browser);
    await openDeniedPage(page, stack);
    await page.click('#sign-out');
    await page.waitForURL(`${stack.baseUrl}/oauth2/signed_out?*`);
    assert.equal(await page.locator('h1').innerText(), 'You are signed out');
    assert.ok(!(await page.context().cookies(stack.baseUrl)).some((c) => c.name === 'gatehouse'));
    await page.click('#sign-in');
    await page.waitForURL(/\/interaction\//);
    await page.context().close();
  });

  it('an inline script is refused by the pages\' CSP', async () => {
    const { page, consoleErrors } = await freshPage(browser);
    await signInAt(page, `${stack.baseUrl}/`, 'alice');
    await page.goto(`${stack.baseUrl}/oauth2/signed_out`);
    // Evaluated through the DevTools protocol, which CSP does not govern; the <script> it adds is.
    const ran = await page.evaluate(`(() => {
      const script = document.createElement('script');
      script.textContent = 'document.body.dataset.ran = "yes"';
      document.body.append(script);
      return document.body.dataset.ran ?? 'no';
    })()`);
    assert.equal(ran, 'no');
    assert.ok(consoleErrors.some((text) => /Content Security Policy/i.test(text)), consoleErrors.join('\n'));
    await page.context().close();
  });
});

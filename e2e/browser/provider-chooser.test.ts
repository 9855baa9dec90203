/**
 * Two identity providers behind one gatehouse, in Debian's Chromium through nginx rendered like
 * ingress-nginx: a person who is not signed in lands on the chooser page (no serious or critical
 * axe-core violation, no CSP complaint), picks the partner provider, signs in there and is back on
 * the page they asked for as the partner provider's user.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { stringify } from 'yaml';
import { startTestIdp, type TestIdp } from '../idp/test-idp.ts';
import { startStack, type Stack } from '../stack/start-stack.ts';
import { seriousViolations } from '../support/axe.ts';
import { launchBrowser } from '../support/browser.ts';
import { freePorts } from '../support/ports.ts';
import { freshPage } from './page-flows.ts';

describe('the provider chooser in a real browser', () => {
  let partners: TestIdp;
  let stack: Stack;
  let browser: Browser;
  let dir: string;
  before(async () => {
    const [nginxPort = 0] = await freePorts(1);
    const baseUrl = `http://localhost:${nginxPort}`;
    const secret = randomBytes(16).toString('hex');
    partners = await startTestIdp({ clients: [{ clientId: 'gatehouse-partners', clientSecret: secret, redirectUris: [`${baseUrl}/oauth2/callback`] }] });
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-chooser-'));
    writeFileSync(join(dir, 'partners-secret'), secret);
    writeFileSync(
      join(dir, 'gatehouse.yaml'),
      stringify({
        providers: [
          {
            id: 'partners',
            name: 'Partner account',
            issuer: partners.issuer,
            client_id: 'gatehouse-partners',
            client_secret_file: join(dir, 'partners-secret'),
            scopes: ['openid', 'profile', 'email', 'groups'],
            claims: { username: 'email' },
          },
        ],
      }),
    );
    stack = await startStack({ nginxPort, gatehouseEnv: { GATEHOUSE_CONFIG_FILE: join(dir, 'gatehouse.yaml') } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
    await partners?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('lists both providers accessibly, and the partner link signs in there and returns to the page', async () => {
    const { page, consoleErrors } = await freshPage(browser);
    const url = `${stack.baseUrl}/reports?year=2026`;
    const chooser = await page.goto(url);
    assert.equal(chooser?.status(), 200);
    assert.equal(await page.locator('h1').innerText(), 'Choose how to sign in');
    assert.deepEqual(await page.locator('main li a').allInnerTexts(), [new URL(stack.idp.issuer).host, 'Partner account']);
    assert.deepEqual(await seriousViolations(page), []);
    assert.deepEqual(consoleErrors.filter((text) => /Content Security Policy/i.test(text)), []);
    await page.click('#provider-partners');
    await page.waitForURL(/\/interaction\//);
    assert.equal(new URL(page.url()).origin, partners.issuer);
    await page.fill('input[name="login"]', 'alice');
    await page.fill('input[name="password"]', 'alice');
    const back = page.waitForResponse((res) => res.url() === url);
    await page.click('button[type="submit"]');
    assert.equal((await back).status(), 200);
    assert.equal(await page.locator('#user').innerText(), 'alice@example.com', "the partner provider's claims mapping");
    await page.context().close();
  });
});

import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Debian's Chromium; playwright-core never downloads a browser of its own. */
const CHROMIUM = '/usr/bin/chromium';

/** Starts headless Chromium with everything that would phone home switched off. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Opens a fresh browser context (its own cookies) in which every request to a host other than
 * 127.0.0.1, localhost or [::1] is aborted, so that a page can never reach outside.
 */
export async function newContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await context.route((url) => !LOOPBACK_HOSTS.has(url.hostname), (route) => route.abort('blockedbyclient'));
  return context;
}

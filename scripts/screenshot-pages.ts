/**
 * Photographs gatehouse's pages for docs/pages/ (shown in the README): the local stack with denial
 * details on, Debian's Chromium via playwright-core, each page reached the way a person reaches it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PAGES, freshPage } from '../e2e/browser/page-flows.ts';
import { launchBrowser } from '../e2e/support/browser.ts';
import { startStack } from '../e2e/stack/start-stack.ts';

const OUT = join(import.meta.dirname, '..', 'docs', 'pages');

mkdirSync(OUT, { recursive: true });
const stack = await startStack({ gatehouseEnv: { GATEHOUSE_SHOW_DENIAL_DETAILS: 'true' } });
const browser = await launchBrowser();
try {
  for (const { name, open, status } of PAGES) {
    const { page } = await freshPage(browser);
    await page.setViewportSize({ width: 760, height: 480 });
    const opened = await open(page, stack);
    if (opened.status !== status) throw new Error(`${name}: status ${opened.status}, expected ${status}`);
    const file = join(OUT, `${name}.png`);
    await page.screenshot({ path: file });
    console.log(`wrote ${file}`);
    await page.context().close();
  }
} finally {
  await browser.close();
  await stack.stop();
}

/**
 * The ways a person reaches each of gatehouse's pages through the local stack, in a real browser.
 * The browser tests check these pages; `make screenshots` photographs the same ones for docs/.
 */
import type { Browser, Page } from 'playwright-core';
import { newContext } from '../support/browser.ts';
import type { Stack } from '../stack/start-stack.ts';

/** One page, as the browser shows it. */
export interface OpenedPage {
  readonly page: Page;
  /** The HTTP status the browser received for the page. */
  readonly status: number | undefined;
}

/** A page in a fresh context (its own cookies), with the browser's console errors collected. */
export async function freshPage(browser: Browser): Promise<{ page: Page; consoleErrors: string[] }> {
  const context = await newContext(browser);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  return { page, consoleErrors };
}

/**
 * Opens `url`, which sends the browser to sign in, and signs in at the provider's form.
 * @returns the status of `url` once the browser is back there
 */
export async function signInAt(page: Page, url: string, login: string): Promise<number> {
  await page.goto(url);
  await page.waitForURL(/\/interaction\//);
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', login);
  const back = page.waitForResponse((res) => res.url() === url);
  await page.click('button[type="submit"]');
  return (await back).status();
}

/** bob, in devs only, opens /admin (admins only): the denied page. */
export async function openDeniedPage(page: Page, stack: Stack): Promise<OpenedPage> {
  return { page, status: await signInAt(page, `${stack.baseUrl}/admin/panel`, 'bob') };
}

/** mallory, whose preferred_username holds CR/LF, opens /: her account cannot be used. */
export async function openUnusableAccountPage(page: Page, stack: Stack): Promise<OpenedPage> {
  return { page, status: await signInAt(page, `${stack.baseUrl}/`, 'mallory') };
}

/** alice signs in, then signs out without an rd: the signed-out page. */
export async function openSignedOutPage(page: Page, stack: Stack): Promise<OpenedPage> {
  await signInAt(page, `${stack.baseUrl}/`, 'alice');
  const landed = page.waitForResponse((res) => new URL(res.url()).pathname === '/oauth2/signed_out' && res.status() === 200);
  await page.goto(`${stack.baseUrl}/oauth2/sign_out`);
  return { page, status: (await landed).status() };
}

/** Nobody is signed in and /oauth2/userinfo is opened: the not-signed-in page. */
export async function openNotSignedInPage(page: Page, stack: Stack): Promise<OpenedPage> {
  const res = await page.goto(`${stack.baseUrl}/oauth2/userinfo`);
  return { page, status: res?.status() };
}

/** The provider refuses the sign-in (error=access_denied): the sign-in-failed page. */
export async function openSignInFailedPage(page: Page, stack: Stack): Promise<OpenedPage> {
  const res = await page.goto(`${stack.baseUrl}/oauth2/callback?error=access_denied&state=x`);
  return { page, status: res?.status() };
}

/** Every page with its file name under docs/pages/ and the status it must have. */
export const PAGES = [
  { name: 'denied', open: openDeniedPage, status: 403 },
  { name: 'account-unusable', open: openUnusableAccountPage, status: 403 },
  { name: 'signed-out', open: openSignedOutPage, status: 200 },
  { name: 'not-signed-in', open: openNotSignedInPage, status: 401 },
  { name: 'sign-in-failed', open: openSignInFailedPage, status: 403 },
] as const;

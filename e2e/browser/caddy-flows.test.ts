/**
 * What a person sees, in Debian's Chromium driven by playwright-core, through real Caddy's
 * forward_auth: Caddy hands gatehouse's answer to the browser as it is, so the sign-in redirect,
 * the 303 after a form post, the 401 for a script and the denied page all come from the check.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page, Request, Response } from 'playwright-core';
import { launchBrowser, newContext } from '../support/browser.ts';
import { startStack, type CaddyStack } from '../stack/start-stack.ts';

/** The part of the browser's XMLHttpRequest the page script uses. */
interface XhrLike {
  status: number;
  responseURL: string;
  onloadend: (() => void) | null;
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(): void;
}

describe('in a real browser, through Caddy', () => {
  let stack: CaddyStack;
  let browser: Browser;
  before(async () => {
    stack = await startStack({ proxy: 'caddy' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function freshPage(options: { extraHTTPHeaders?: Record<string, string>; bypassCSP?: boolean } = {}): Promise<Page> {
    const context = await newContext(browser, options);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    return page;
  }

  async function signIn(page: Page, login: string): Promise<void> {
    await page.waitForURL(/\/interaction\//);
    await page.fill('input[name="login"]', login);
    await page.fill('input[name="password"]', login);
    await page.click('button[type="submit"]');
  }

  /** The requests of a navigation's redirect chain, first first. */
  function chainOf(last: Request): Request[] {
    const chain: Request[] = [];
    for (let r: Request | null = last; r !== null; r = r.redirectedFrom()) chain.unshift(r);
    return chain;
  }

  /** The provider's sign-in form, loaded as a page: the end of every redirect to sign in. */
  const isSignInForm = (r: Response): boolean => /\/interaction\//.test(r.url()) && r.request().isNavigationRequest();

  /** Whether the echo app saw a request for a path starting with `prefix`. */
  const appSaw = (prefix: string): boolean => stack.echo.requests().some((r) => r.split(' ')[1]?.startsWith(prefix));

  it('the check itself redirects to sign-in, and signing in lands on the original URL with its query intact', async () => {
    const page = await freshPage();
    const target = `${stack.baseUrl}/deep/link?a=1&b=x%20y&c=%2F%25`;
    const landed = await page.goto(target);
    const [first, second] = chainOf(landed?.request() as Request);
    // The first answer is gatehouse's 302, passed on by Caddy: no 401 turned into a redirect.
    const check = await first?.response();
    assert.equal(check?.status(), 302);
    assert.equal(check?.headers()['location'], `${stack.baseUrl}/oauth2/start?rd=${encodeURIComponent('/deep/link?a=1&b=x%20y&c=%2F%25')}`);
    assert.equal(check?.headers()['server'], 'Caddy');
    assert.equal(second?.url(), check?.headers()['location']);
    assert.ok(!appSaw('/deep/link'), 'the app saw nothing before sign-in');

    await signIn(page, 'alice');
    await page.waitForURL(target);
    assert.equal(page.url(), target);
    assert.equal(await page.locator('#user').innerText(), 'alice');
    assert.equal(await page.locator('#request').innerText(), 'GET /deep/link?a=1&b=x%20y&c=%2F%25');
    await page.context().close();
  });

  it('a form posted without a session is answered 303 to sign-in, then lands on the form\'s URL', async () => {
    const page = await freshPage();
    const action = `${stack.baseUrl}/form/target?x=1`;
    await page.setContent(`<form method="post" action="${action}"><input name="note" value="hello"><button id="send">Send</button></form>`);
    const [landed] = await Promise.all([page.waitForResponse(isSignInForm), page.click('#send')]);
    const [post, start] = chainOf(landed.request());
    assert.equal(post?.method(), 'POST');
    assert.ok(post?.isNavigationRequest(), 'a real form post navigation');
    assert.equal(post?.postData(), 'note=hello');
    const answer = await post?.response();
    assert.equal(answer?.status(), 303);
    assert.equal(answer?.headers()['location'], `${stack.baseUrl}/oauth2/start?rd=${encodeURIComponent('/form/target?x=1')}`);
    assert.equal(start?.method(), 'GET', '303: the browser follows with GET');
    assert.ok(!appSaw('/form/target'), 'the post never reached the app');

    await signIn(page, 'alice');
    await page.waitForURL(action);
    assert.equal(await page.locator('#request').innerText(), 'GET /form/target?x=1');
    await page.context().close();
  });

  it('a script on a page gets 401, never a redirect: fetch, fetch asking for HTML, XMLHttpRequest', async () => {
    // The signed-out page is on Caddy's origin and needs no session: a same-origin place to run a
    // script from. Its CSP allows no connections, which is not what is tested here.
    const page = await freshPage({ bypassCSP: true });
    await page.goto(`${stack.baseUrl}/oauth2/signed_out`);
    const fetchFromPage = (path: string, accept: string) =>
      page.evaluate(async ([p, a]) => {
        const r = await fetch(p, { headers: { Accept: a } });
        return { status: r.status, redirected: r.redirected, path: new URL(r.url).pathname, challenge: r.headers.get('www-authenticate') ?? '' };
      }, [path, accept] as const);
    const api = await fetchFromPage('/api/items', '*/*');
    assert.equal(api.status, 401);
    assert.equal(api.redirected, false);
    assert.equal(api.path, '/api/items');
    assert.match(api.challenge, /realm="gatehouse"/);
    // Accept names HTML, but Sec-Fetch-Mode says cors: still a script, not a navigation.
    const html = await fetchFromPage('/reports', 'text/html');
    assert.deepEqual({ status: html.status, redirected: html.redirected, path: html.path }, { status: 401, redirected: false, path: '/reports' });

    const xhr = await page.evaluate(
      () =>
        new Promise<{ status: number; path: string }>((resolve) => {
          // The browser's XMLHttpRequest; Node's type library has none.
          const request = new (globalThis as unknown as { XMLHttpRequest: new () => XhrLike }).XMLHttpRequest();
          request.open('GET', '/admin/data');
          request.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
          request.setRequestHeader('Accept', 'text/html');
          request.onloadend = () => resolve({ status: request.status, path: new URL(request.responseURL).pathname });
          request.send();
        }),
    );
    assert.deepEqual(xhr, { status: 401, path: '/admin/data' });
    assert.ok(!appSaw('/api/items') && !appSaw('/reports') && !appSaw('/admin/data'), 'the app saw none of them');
    await page.context().close();
  });

  it('the app sees gatehouse\'s identity headers, not the ones the browser sent', async () => {
    const page = await freshPage({
      extraHTTPHeaders: { 'X-Auth-Request-User': 'mallory', 'X-Auth-Request-Groups': 'root', 'X-Auth-Request-Email': 'm@evil.example' },
    });
    await page.goto(`${stack.baseUrl}/whoami`);
    await signIn(page, 'alice');
    await page.waitForURL(`${stack.baseUrl}/whoami`);
    assert.equal(await page.locator('#user').innerText(), 'alice');
    const table = await page.locator('#auth-headers').innerText();
    assert.match(table, /admins,devs/);
    assert.match(table, /alice@example\.com/);
    assert.ok(!/mallory|root|evil\.example|\{http\./.test(table), table);
    await page.context().close();
  });

  it('bob on /admin sees the denied page (the app is never asked), and its sign-out link signs him out', async () => {
    const page = await freshPage();
    await page.goto(`${stack.baseUrl}/`);
    await signIn(page, 'bob');
    await page.waitForURL(`${stack.baseUrl}/`);
    const seen = stack.echo.requests().length;
    const denied = await page.goto(`${stack.baseUrl}/admin/panel?tab=users`);
    assert.equal(denied?.status(), 403);
    assert.equal(await page.locator('#denied-user').innerText(), 'bob');
    assert.equal(await page.locator('#sign-out').getAttribute('href'), `${stack.baseUrl}/oauth2/sign_out`);
    assert.match((await page.locator('#switch-account').getAttribute('href')) ?? '', /\/oauth2\/sign_out\?rd=%2Fadmin%2Fpanel%3Ftab%3Dusers$/);
    assert.deepEqual(stack.echo.requests().slice(seen), [], 'the app was never asked');

    await page.click('#sign-out');
    await page.waitForURL(`${stack.baseUrl}/oauth2/signed_out**`);
    const cookies = await page.context().cookies(stack.baseUrl);
    assert.ok(!cookies.some((c) => c.name === 'gatehouse'), 'session cookie cleared');
    const again = await page.goto(`${stack.baseUrl}/`);
    assert.ok(again !== null && isSignInForm(again), 'a protected page asks to sign in again');
    await page.context().close();
  });

  it('sign-out from the app through Caddy ends access, and the next visit asks to sign in again', async () => {
    const page = await freshPage();
    await page.goto(`${stack.baseUrl}/`);
    await signIn(page, 'alice');
    await page.waitForURL(`${stack.baseUrl}/`);
    // The echo app's link is /oauth2/sign_out: it lands on the signed-out page, and / is protected again.
    const visited: string[] = [];
    page.on('request', (r) => {
      if (r.isNavigationRequest()) visited.push(r.url());
    });
    await page.click('#sign-out');
    await page.waitForURL(`${stack.baseUrl}/oauth2/signed_out**`);
    assert.equal(visited[0], `${stack.baseUrl}/oauth2/sign_out`);
    assert.equal(await page.locator('h1').innerText(), 'You are signed out');
    const cookies = await page.context().cookies(stack.baseUrl);
    assert.ok(!cookies.some((c) => c.name === 'gatehouse'), 'session cookie cleared');
    const [landed] = await Promise.all([page.waitForResponse(isSignInForm), page.goto(`${stack.baseUrl}/`)]);
    const home = chainOf(landed.request()).find((r) => r.url() === `${stack.baseUrl}/`);
    assert.equal((await home?.response())?.status(), 302, 'back on /, the check sends the browser to sign in');
    await page.context().close();
  });
});

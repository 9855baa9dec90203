/**
 * The pages people see: the custom error page ingress-nginx asks for (always the X-Code status,
 * the denied page only for browser navigations, details only when allowed), the signed-out page,
 * the not-signed-in page of userinfo, and the Content-Security-Policy they are served with.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHarness, type Harness } from '../support/harness.ts';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'sec-fetch-mode': 'navigate' };

describe('pages', () => {
  let h: Harness;
  let detailed: Harness;
  before(async () => {
    h = await startHarness();
    detailed = await startHarness({ GATEHOUSE_SHOW_DENIAL_DETAILS: 'true' });
  });
  after(async () => {
    await h.stop();
    await detailed.stop();
  });

  /** What nginx's custom error location sends gatehouse for `uri`. */
  const errorPage = (harness: Harness, code: string, cookie: string, extra: Record<string, string> = {}) =>
    harness.request('/', {
      headers: { ...BROWSER, cookie, 'x-code': code, 'x-format': BROWSER.accept, 'x-original-uri': '/admin/x?y=1', 'x-request-id': 'req-page-1', ...extra },
    });

  it('the denied page: who, that access is not allowed, sign-out and switch-account links, the request id', async () => {
    const bob = await h.signIn('bob');
    const res = await errorPage(h, '403', bob);
    assert.equal(res.status, 403);
    assert.match(res.headers['content-type'] ?? '', /^text\/html/);
    assert.match(res.body, /<h1>Access denied<\/h1>/);
    assert.match(res.body, /signed in as <strong id="denied-user">bob<\/strong>/);
    assert.match(res.body, /not allowed to use this application/);
    assert.doesNotMatch(res.body, /admins/, 'no details unless GATEHOUSE_SHOW_DENIAL_DETAILS');
    const origin = h.baseUrl.replace(/[.]/g, '\\.');
    assert.match(res.body, new RegExp(`id="sign-out" href="${origin}/oauth2/sign_out"`));
    assert.match(res.body, new RegExp(`id="switch-account" href="${origin}/oauth2/sign_out\\?rd=%2Fadmin%2Fx%3Fy%3D1"`));
    assert.match(res.body, /Request ID: <span id="request-id">req-page-1<\/span>/);
    assert.equal(res.setCookies.length, 0, 'the page never sets a cookie');
    assert.match(String(res.headers['content-security-policy']), /^default-src 'none'; style-src 'sha256-/);
  });

  it('the status is always X-Code, never a 2xx; without a valid X-Code it is no error page', async () => {
    const bob = await h.signIn('bob');
    for (const code of ['401', '403', '404', '429', '500', '503']) {
      assert.equal((await errorPage(h, code, bob)).status, Number(code), code);
    }
    for (const code of ['200', '204', '302', '4033', '', 'abc', '99']) {
      const res = await errorPage(h, code, bob);
      assert.equal(res.status, 404, `X-Code "${code}"`);
      assert.doesNotMatch(res.body, /bob/);
    }
    const plain = await h.request('/', { headers: { ...BROWSER, cookie: bob } });
    assert.equal(plain.status, 404);
    assert.equal((await h.request('/oauth2/error-page', { headers: { ...BROWSER, cookie: bob, 'x-code': '403' } })).status, 403);
    // nginx keeps the client's method when it jumps to the named error location.
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) {
      assert.equal((await h.request('/', { method, headers: { ...BROWSER, cookie: bob, 'x-code': '403' } })).status, 403, method);
    }
  });

  it('API clients get the bare status, no page', async () => {
    const bob = await h.signIn('bob');
    const clients: Array<Record<string, string>> = [{ accept: 'application/json' }, { accept: '*/*' }, { accept: 'text/html', 'x-requested-with': 'XMLHttpRequest' }, { accept: 'text/html', 'sec-fetch-mode': 'cors' }];
    for (const headers of clients) {
      const res = await h.request('/', { headers: { ...headers, cookie: bob, 'x-code': '403' } });
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.equal(res.body, '', JSON.stringify(headers));
    }
  });

  it('not signed in, or a session that is gone: a page without a name', async () => {
    const res = await errorPage(h, '403', '');
    assert.equal(res.status, 403);
    assert.match(res.body, /<h1>Access denied<\/h1>/);
    assert.doesNotMatch(res.body, /signed in as/);
  });

  it('a user whose claims cannot be used is told so', async () => {
    const mallory = await h.signIn('mallory');
    assert.equal((await h.request('/oauth2/auth', { headers: { cookie: mallory } })).status, 403);
    const res = await errorPage(h, '403', mallory);
    assert.equal(res.status, 403);
    assert.match(res.body, /<h1>Your account cannot be used here<\/h1>/);
    assert.doesNotMatch(res.body, /[\r\n]X-/);
  });

  it('with GATEHOUSE_SHOW_DENIAL_DETAILS the page says what the route needs, to the refused user only', async () => {
    const bob = await detailed.signIn('bob');
    const carol = await detailed.signIn('carol');
    const check = (cookie: string, id: string) =>
      detailed.request('/oauth2/auth?allowed_groups=admins', { headers: { cookie, 'x-request-id': id, 'x-original-url': 'http://127.0.0.1/admin/x' } });
    assert.equal((await check(bob, 'req-details-1')).status, 403);
    const page = await errorPage(detailed, '403', bob, { 'x-request-id': 'req-details-1' });
    assert.match(page.body, /<ul id="needs"><li>membership of admins<\/li><\/ul>/);
    // Another user presenting the same request id learns nothing, and the note is gone once read.
    assert.equal((await check(bob, 'req-details-2')).status, 403);
    assert.doesNotMatch((await errorPage(detailed, '403', carol, { 'x-request-id': 'req-details-2' })).body, /admins/);
    assert.doesNotMatch((await errorPage(detailed, '403', bob, { 'x-request-id': 'req-details-1' })).body, /admins/);
  });

  it('signed out without an rd: the signed-out page offers to sign in again', async () => {
    const alice = await h.signIn('alice');
    const out = await h.request('/oauth2/sign_out', { headers: { cookie: alice } });
    assert.equal(out.status, 302);
    const endSession = new URL(out.headers.location ?? '');
    const back = await h.request(`/oauth2/signed_out?state=${encodeURIComponent(endSession.searchParams.get('state') ?? '')}`, { headers: BROWSER });
    assert.equal(back.status, 200);
    assert.match(back.body, /<h1>You are signed out<\/h1>/);
    assert.match(back.body, /id="sign-in" href="\/oauth2\/start">Sign in again/);
    assert.match(String(back.headers['content-security-policy']), /default-src 'none'/);
    const noSession = await h.request('/oauth2/sign_out');
    assert.equal(noSession.headers.location, '/oauth2/signed_out');
  });

  it('userinfo in a browser without a session offers to sign in instead of repeating its heading', async () => {
    const res = await h.request('/oauth2/userinfo', { headers: BROWSER });
    assert.equal(res.status, 401);
    assert.match(res.body, /<h1>Not signed in<\/h1>/);
    assert.match(res.body, /id="sign-in" href="\/oauth2\/start">Sign in/);
    assert.equal(res.body.match(/Not signed in/g)?.length, 2, 'the title and the heading, not a paragraph too');
  });
});

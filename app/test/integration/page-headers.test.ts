/**
 * Every HTML page gatehouse serves carries the same strict headers: a Content-Security-Policy with
 * default-src 'none' and frame-ancestors 'none' and no 'unsafe-inline' or 'unsafe-eval',
 * X-Frame-Options: DENY, X-Content-Type-Options: nosniff, a Referrer-Policy, and Cache-Control:
 * no-store (every page is about one person's request). Each page is requested as a browser would
 * from the gatehouse that serves it: the sign-in chooser, the 429 of a sign-in over its limit,
 * every error page of the sign-in routes and of userinfo, the signed-out page, the pages
 * ingress-nginx asks for by X-Code, the denied, too-many-attempts and unavailable pages of
 * forward-auth and ext-authz, the sidecar's page for an app that is down, and the realm's pages.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { httpRequest, type HttpResponse } from '../../../e2e/support/http-client.ts';
import { freePort } from '../../../e2e/support/ports.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { basic, startPasswordGatehouse, type PasswordGatehouse } from '../support/password-gatehouse.ts';
import { startProvidersHarness, type ProvidersHarness } from '../support/providers-harness.ts';
import { startRealmHarness, type RealmHarness } from '../support/realm-harness.ts';
import { startSidecarHarness, type SidecarHarness } from '../support/sidecar-harness.ts';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'sec-fetch-mode': 'navigate' };
const FORWARDED = { 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'app.localtest', 'x-forwarded-uri': '/admin' };

/** Asserts that `res` is an HTML page with `status` and every header the pages must carry. */
function assertStrictPage(res: HttpResponse, status: number, page: string): void {
  assert.equal(res.status, status, `${page}: ${res.body.slice(0, 200)}`);
  assert.match(String(res.headers['content-type']), /^text\/html/, page);
  assert.match(res.body, /^<!doctype html>/, page);
  const csp = String(res.headers['content-security-policy'] ?? '');
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...values]) => [name, values.join(' ')]));
  assert.equal(directives.get('default-src'), "'none'", `${page}: ${csp}`);
  assert.equal(directives.get('frame-ancestors'), "'none'", `${page}: ${csp}`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, `${page}: ${csp}`);
  assert.ok(!directives.has('script-src'), `${page}: no script is ever allowed`);
  assert.equal(res.headers['x-frame-options'], 'DENY', page);
  assert.equal(res.headers['x-content-type-options'], 'nosniff', page);
  assert.equal(res.headers['referrer-policy'], 'no-referrer', page);
  assert.equal(res.headers['cache-control'], 'no-store', page);
  assert.doesNotMatch(res.body, /<script|\sstyle=|\son[a-z]+=/i, `${page}: no script, inline style attribute or event handler`);
}

describe('security headers of every HTML page', () => {
  const cookieSecret = randomBytes(32).toString('base64');
  let dir: string;
  let h: Harness;
  let storeDown: Harness;
  let passwords: PasswordGatehouse;
  let providers: ProvidersHarness;
  let realm: RealmHarness;
  let sidecar: SidecarHarness;
  let bob: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-page-headers-'));
    const users = join(dir, 'users');
    writeFileSync(users, execFileSync('htpasswd', ['-nbB', 'alice', 'alice-Passw0rd!'], { encoding: 'utf8' }));
    const trusted = { GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.1/32', GATEHOUSE_COOKIE_SECRET: cookieSecret };
    h = await startHarness({ ...trusted, GATEHOUSE_SIGNIN_RATE_LIMIT: '3' });
    // The same cookie key, and a Redis nobody listens on: a session from `h` opens here but cannot be read.
    storeDown = await startHarness({ ...trusted, GATEHOUSE_SESSION_STORE: 'redis', GATEHOUSE_REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    passwords = await startPasswordGatehouse({ GATEHOUSE_IDENTITY_SOURCES: 'htpasswd', GATEHOUSE_HTPASSWD_FILE: users, GATEHOUSE_BASIC_MAX_FAILURES_PER_USER: '1' });
    providers = await startProvidersHarness();
    realm = await startRealmHarness();
    sidecar = await startSidecarHarness('', { GATEHOUSE_UPSTREAM: `http://127.0.0.1:${await freePort()}` });
    bob = await h.signIn('bob');
  });
  after(async () => {
    for (const running of [h, storeDown, passwords, providers, realm, sidecar]) await running?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the sign-in routes: chooser, too many requests, and each way a sign-in can fail', async () => {
    assertStrictPage(await httpRequest(`${providers.baseUrl}/oauth2/start?rd=${encodeURIComponent('http://app.localtest/x')}`, { headers: BROWSER }), 200, 'provider chooser');
    for (let i = 0; i < 3; i++) await h.request('/oauth2/start?rd=%2F', { headers: { 'x-real-ip': '203.0.113.50' } });
    const limited = await h.request('/oauth2/start?rd=%2F', { headers: { ...BROWSER, 'x-real-ip': '203.0.113.50' } });
    assertStrictPage(limited, 429, 'sign-in over its rate limit');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    assertStrictPage(await h.request('/oauth2/callback?state=unknown&code=x', { headers: BROWSER }), 403, 'unknown sign-in state');
    assertStrictPage(await h.request('/oauth2/callback?error=access_denied&state=x', { headers: BROWSER }), 403, 'refused at the provider');
    assertStrictPage(await storeDown.request('/oauth2/start?rd=%2F', { headers: BROWSER }), 503, 'sign-in with the store down');
  });

  it('the session pages: userinfo without a session, signed out, and a path that is not there', async () => {
    assertStrictPage(await h.request('/oauth2/userinfo', { headers: BROWSER }), 401, 'userinfo, not signed in');
    assertStrictPage(await h.request('/oauth2/signed_out', { headers: BROWSER }), 200, 'signed out');
    assertStrictPage(await h.request('/oauth2/no-such-page', { headers: BROWSER }), 404, 'not found');
  });

  it("the pages ingress-nginx asks for by X-Code", async () => {
    const errorPage = (code: string, cookie = bob) => h.request('/', { headers: { ...BROWSER, cookie, 'x-code': code, 'x-format': BROWSER.accept, 'x-original-uri': '/admin' } });
    assertStrictPage(await errorPage('403'), 403, 'denied page');
    assertStrictPage(await errorPage('401', ''), 401, 'not signed in');
    for (const code of ['404', '429', '500', '502', '503']) assertStrictPage(await errorPage(code), Number(code), `X-Code ${code}`);
    assertStrictPage(await h.request('/', { headers: BROWSER }), 404, 'no X-Code');
  });

  it('the pages of forward-auth and ext-authz: denied, too many attempts, unavailable', async () => {
    assertStrictPage(await h.request('/oauth2/forward-auth?allowed_groups=admins', { headers: { ...BROWSER, ...FORWARDED, cookie: bob } }), 403, 'forward-auth denied');
    assertStrictPage(await h.request('/oauth2/ext-authz-route/allowed_groups=admins/admin', { headers: { ...BROWSER, host: 'app.localtest', cookie: bob } }), 403, 'ext-authz denied');
    await passwords.forwardAuth(basic('alice', 'wrong'), { accept: BROWSER.accept });
    assertStrictPage(await passwords.forwardAuth(basic('alice', 'wrong'), { accept: BROWSER.accept }), 429, 'forward-auth, too many failed passwords');
    assertStrictPage(await storeDown.request('/oauth2/forward-auth', { headers: { ...BROWSER, ...FORWARDED, cookie: bob } }), 503, 'forward-auth with the store down');
  });

  it("the sidecar's page for an app that is down", async () => {
    const alice = await sidecar.h.signIn('alice');
    assertStrictPage(await sidecar.h.request('/', { headers: { ...BROWSER, cookie: alice } }), 502, 'sidecar, app down');
  });

  it("the pages of sign-in through Elasticsearch's realm", async () => {
    assertStrictPage(await realm.request('/oauth2/callback?state=unknown&code=x', { headers: BROWSER }), 403, 'realm, unknown sign-in state');
    assertStrictPage(await realm.request('/oauth2/callback?error=access_denied&state=x', { headers: BROWSER }), 403, 'realm, refused at the provider');
  });
});

/**
 * The denied page through real nginx rendered like ingress-nginx's custom-errors mechanism
 * (`custom-http-errors: "403"` with `default-backend` naming gatehouse), and CVE-2026-24513: with
 * the auth location of the releases before the fix, where the auth subrequest itself goes through
 * a global custom error page, gatehouse's page still answers 403, so the refused request never
 * reaches the app, while a default backend answering 200 (the vulnerable kind) lets it through.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNginx, type NginxHandle } from '../nginx/start-nginx.ts';
import type { ProtectedIngress } from '../nginx/ingresses.ts';
import { httpRequest } from '../support/http-client.ts';
import { signInOverHttp } from '../support/http-login.ts';
import { startStack, type Stack } from '../stack/start-stack.ts';

const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'sec-fetch-mode': 'navigate' };
const ADMIN: ProtectedIngress = { name: 'app-admin', path: '/admin', authQuery: '?allowed_groups=admins', signin: 'relative-rd' };

describe('the denied page through ingress-nginx custom errors', () => {
  let stack: Stack;
  let bob: string;
  before(async () => {
    stack = await startStack({ gatehouseEnv: { GATEHOUSE_SHOW_DENIAL_DETAILS: 'true' } });
    bob = (await signInOverHttp(stack.baseUrl, { login: 'bob', password: 'bob' })).cookieHeader;
  });
  after(() => stack.stop());

  /** The access-log lines of `path`: each names the upstreams nginx contacted for it. */
  const logged = (nginx: NginxHandle, path: string): string[] => nginx.accessLog().split('\n').filter((line) => line.includes(` ${path} HTTP/`));
  /** The access-log lines of `path` once there are `count`: nginx writes each as its request ends, a moment after the answer. */
  const loggedSoon = async (nginx: NginxHandle, path: string, count: number): Promise<string[]> => {
    let lines = logged(nginx, path);
    for (let i = 0; i < 100 && lines.length < count; i++) {
      await sleep(20);
      lines = logged(nginx, path);
    }
    return lines;
  };

  it("bob's browser gets gatehouse's page with status 403: who he is, what /admin needs, how to switch", async () => {
    const res = await httpRequest(`${stack.baseUrl}/admin/panel?tab=1`, { headers: { ...BROWSER, cookie: bob, 'x-request-id': 'bob-admin-1' } });
    assert.equal(res.status, 403);
    assert.match(res.body, /signed in as <strong id="denied-user">bob<\/strong>/);
    assert.match(res.body, /<li>membership of admins<\/li>/);
    assert.match(res.body, /id="switch-account" href="http:\/\/localhost:\d+\/oauth2\/sign_out\?rd=%2Fadmin%2Fpanel%3Ftab%3D1"/);
    assert.match(res.body, /Request ID: <span id="request-id">bob-admin-1<\/span>/);
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
    const lines = await loggedSoon(stack.nginx, '/admin/panel?tab=1', 1);
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines[0] ?? '', new RegExp(`:${stack.echo.port}\\b`), 'the app was never contacted');
  });

  it('an API client keeps the bare 403', async () => {
    const res = await httpRequest(`${stack.baseUrl}/admin/items`, { headers: { accept: 'application/json', cookie: bob } });
    assert.equal(res.status, 403);
    assert.equal(res.body, '');
  });

  it("mallory's browser is told her account cannot be used; alice still gets the app", async () => {
    const mallory = (await signInOverHttp(stack.baseUrl, { login: 'mallory', password: 'mallory' })).cookieHeader;
    const res = await httpRequest(`${stack.baseUrl}/`, { headers: { ...BROWSER, cookie: mallory } });
    assert.equal(res.status, 403);
    assert.match(res.body, /Your account cannot be used here/);
    const alice = (await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice' })).cookieHeader;
    assert.equal((await httpRequest(`${stack.baseUrl}/admin/panel`, { headers: { ...BROWSER, cookie: alice } })).status, 200);
  });

  describe('CVE-2026-24513: the auth subrequest through a global custom error page', () => {
    let naive: Server;
    let naivePort = 0;
    const nginxes: NginxHandle[] = [];
    before(async () => {
      // A default backend that ignores X-Code and answers 200, as custom error backends often do.
      naive = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<p>Something went wrong</p>'));
      await new Promise<void>((resolve) => naive.listen(0, '127.0.0.1', resolve));
      naivePort = (naive.address() as { port: number }).port;
    });
    after(async () => {
      for (const nginx of nginxes) await nginx.stop();
      await new Promise<void>((resolve) => naive.close(() => resolve()));
    });

    const beforeFix = async (backendPort: number): Promise<NginxHandle> => {
      const nginx = await startNginx({
        gatehousePorts: stack.gatehouse.map((g) => g.port),
        upstreamPort: stack.echo.port,
        ingresses: [ADMIN],
        globalCustomErrors: { codes: [403], backendPort, authLocation: 'before-fix' },
      });
      nginxes.push(nginx);
      return nginx;
    };

    it('the rendering reproduces the bypass: a default backend answering 200 lets bob into /admin', async () => {
      const nginx = await beforeFix(naivePort);
      const res = await httpRequest(`http://localhost:${nginx.port}/admin/bypass`, { headers: { ...BROWSER, cookie: bob } });
      assert.equal(res.status, 200);
      assert.match(res.body, /Signed in as/, 'the echo app answered');
      assert.match((await loggedSoon(nginx, '/admin/bypass', 1))[0] ?? '', new RegExp(`:${stack.echo.port}\\b`));
    });

    it('with gatehouse as that default backend the same request is refused with 403 and never reaches the app', async () => {
      const nginx = await beforeFix(stack.gatehouse[0]?.port ?? 0);
      for (const headers of [{ ...BROWSER, cookie: bob }, { accept: 'application/json', cookie: bob }, { ...BROWSER, cookie: bob, 'x-code': '200' }]) {
        const res = await httpRequest(`http://localhost:${nginx.port}/admin/held`, { headers });
        assert.equal(res.status, 403, JSON.stringify(headers));
        assert.doesNotMatch(res.body, /Signed in as/);
      }
      const held = await loggedSoon(nginx, '/admin/held', 3);
      assert.equal(held.length, 3, 'each of the three requests is logged');
      for (const line of held) assert.doesNotMatch(line, new RegExp(`:${stack.echo.port}\\b`));
      const alice = (await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice' })).cookieHeader;
      assert.equal((await httpRequest(`http://localhost:${nginx.port}/admin/held`, { headers: { ...BROWSER, cookie: alice } })).status, 200);
    });
  });
});

// The pieces of the local stack on their own, without gatehouse: the test IdP, the echo app and
// nginx rendered like ingress-nginx (in front of a stand-in auth service).
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { startTestIdp } from '../idp/test-idp.ts';
import type { TestIdp } from '../idp/test-idp.ts';
import { checkNginxConf, startNginx } from '../nginx/start-nginx.ts';
import type { NginxHandle } from '../nginx/start-nginx.ts';
import { AUTH_UPSTREAM, renderIngressNginxConf } from '../nginx/render-conf.ts';
import { startEchoApp } from '../upstream/echo-app.ts';
import type { EchoApp, EchoResponse } from '../upstream/echo-app.ts';
import { CookieJar } from '../support/cookie-jar.ts';
import { httpRequest } from '../support/http-client.ts';
import { freePort } from '../support/ports.ts';

const REDIRECT_URI = 'http://localhost:8080/oauth2/callback';

describe('test IdP', () => {
  let idp: TestIdp;
  before(async () => {
    idp = await startTestIdp({
      clients: [{ clientId: 'rp', clientSecret: 'rp-secret', redirectUris: [REDIRECT_URI] }],
    });
  });
  after(() => idp.close());

  test('discovery advertises logout support and S256 only', async () => {
    const res = await httpRequest(`${idp.issuer}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const doc = JSON.parse(res.body) as Record<string, unknown>;
    assert.equal(doc['issuer'], idp.issuer);
    assert.equal(doc['end_session_endpoint'], `${idp.issuer}/session/end`);
    assert.equal(doc['backchannel_logout_supported'], true);
    assert.equal(doc['backchannel_logout_session_supported'], true);
    assert.deepEqual(doc['code_challenge_methods_supported'], ['S256']);
  });

  test('the login form shows an error on a wrong password', async () => {
    const jar = new CookieJar();
    const authorize = new URL('/auth', idp.issuer);
    authorize.search = new URLSearchParams({
      client_id: 'rp',
      response_type: 'code',
      scope: 'openid',
      redirect_uri: REDIRECT_URI,
      state: 'xyz',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    }).toString();
    const first = await httpRequest(authorize);
    jar.store(authorize, first.setCookies);
    assert.equal(first.status, 303);
    const formUrl = new URL(first.headers.location ?? '', authorize);
    const form = await httpRequest(formUrl, { headers: { cookie: jar.header(formUrl) } });
    assert.equal(form.status, 200);
    assert.match(form.body, /<input[^>]*name="login"/);
    assert.match(form.body, /<input[^>]*name="password"[^>]*type="password"/);
    assert.match(form.body, /<button type="submit"/);
    assert.doesNotMatch(form.body, /https?:\/\//, 'the page loads nothing from elsewhere');

    const postUrl = new URL(`${formUrl.pathname}/login`, formUrl);
    const wrong = await httpRequest(postUrl, {
      method: 'POST',
      headers: { cookie: jar.header(postUrl), 'content-type': 'application/x-www-form-urlencoded' },
      body: 'login=alice&password=wrong',
    });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body, /Invalid username or password/);
    assert.match(wrong.body, /value="alice"/);
  });

  test('setDown answers 503 until it is lifted', async () => {
    idp.setDown(true);
    assert.equal((await httpRequest(`${idp.issuer}/.well-known/openid-configuration`)).status, 503);
    idp.setDown(false);
    assert.equal((await httpRequest(`${idp.issuer}/.well-known/openid-configuration`)).status, 200);
  });
});

test('the echo app echoes as JSON and escapes its HTML', async () => {
  const echo = await startEchoApp();
  try {
    const url = `http://127.0.0.1:${echo.port}/some/path?q=1`;
    const json = await httpRequest(url, { headers: { accept: 'application/json', 'X-Auth-Request-User': 'alice' } });
    const body = JSON.parse(json.body) as EchoResponse;
    assert.equal(body.method, 'GET');
    assert.equal(body.url, '/some/path?q=1');
    assert.equal(body.headers['x-auth-request-user'], 'alice');

    const html = await httpRequest(url, { headers: { 'x-auth-request-user': '<script>x</script>' } });
    assert.match(html.headers['content-type'] ?? '', /text\/html/);
    assert.match(html.body, /Signed in as/);
    assert.match(html.body, /&lt;script&gt;x&lt;\/script&gt;/);
    assert.doesNotMatch(html.body, /<script>x/);
    // Signing out of the demo lands on gatehouse's signed-out page.
    assert.match(html.body, /href="\/oauth2\/sign_out"/);
    // Only the identity headers that arrived are listed.
    assert.match(html.body, /<th>x-auth-request-user<\/th>/);
    assert.doesNotMatch(html.body, /x-auth-request-email|x-auth-request-groups|<th>authorization/);
  } finally {
    await echo.close();
  }
});

test('the rendered ingress-nginx config passes nginx -t', async () => {
  await checkNginxConf(renderIngressNginxConf({ port: 18080, gatehousePorts: [14180, 14181], upstreamPort: 19000 }));
  await assert.rejects(checkNginxConf('events {}\nhttp { bogus_directive on; }\n'), /nginx -t rejected/);
});

describe('nginx in front of a stand-in auth service', () => {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const auth = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    if (req.url?.startsWith('/oauth2/auth') !== true) {
      res.end(`sidecar ${req.url}`);
    } else if ((req.headers.cookie ?? '').includes('ok=1')) {
      res.writeHead(202, { 'x-auth-request-user': 'alice', 'x-auth-request-groups': 'admins,devs' });
      res.end();
    } else {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="test"' });
      res.end();
    }
  });
  let echo: EchoApp;
  let nginx: NginxHandle;
  let base: string;
  const get = (path: string, headers: Record<string, string> = {}) =>
    httpRequest(`${base}${path}`, { headers: { accept: 'application/json', ...headers } });

  before(async () => {
    await new Promise<void>((resolve) => auth.listen(0, '127.0.0.1', resolve));
    const address = auth.address();
    assert.ok(address !== null && typeof address === 'object');
    echo = await startEchoApp();
    nginx = await startNginx({ port: await freePort(), gatehousePorts: [address.port], upstreamPort: echo.port });
    base = `http://localhost:${nginx.port}`;
  });
  after(async () => {
    await nginx?.stop();
    await echo?.close();
    auth.closeAllConnections();
    await new Promise<void>((resolve) => auth.close(() => resolve()));
  });

  test('a 401 sends the browser to auth-signin with a relative or absolute rd', async () => {
    const root = await get('/some/page?x=1&y=2');
    assert.equal(root.status, 302);
    assert.equal(root.headers.location, `http://localhost:${nginx.port}/oauth2/start?rd=%2Fsome%2Fpage%3Fx%3D1%26y%3D2`);
    const abs = await get('/abs-rd/x?y=1');
    assert.equal(abs.headers.location, `http://localhost:${nginx.port}/oauth2/start?rd=http://localhost:${nginx.port}%2Fabs-rd%2Fx%3Fy%3D1`);
    const api = await get('/api/items');
    assert.equal(api.status, 401);
    assert.equal(api.headers['www-authenticate'], 'Bearer realm="test"');
  });

  test('a 2xx lets the request through with the identity headers', async () => {
    seen.length = 0;
    const res = await get('/admin/panel', { cookie: 'ok=1', authorization: 'Bearer from-client' });
    assert.equal(res.status, 200);
    const echoed = JSON.parse(res.body) as EchoResponse;
    assert.equal(echoed.headers['x-auth-request-user'], 'alice');
    assert.equal(echoed.headers['x-auth-request-groups'], 'admins,devs');
    assert.equal(echoed.headers['authorization'], undefined, 'an empty auth answer header clears the client one');
    const sub = seen.find((s) => s.url.startsWith('/oauth2/auth'));
    assert.ok(sub);
    assert.equal(sub.url, '/oauth2/auth?allowed_groups=admins');
    assert.equal(sub.headers.host, AUTH_UPSTREAM);
    assert.equal(sub.headers['x-original-url'], `http://localhost:${nginx.port}/admin/panel`);
    assert.equal(sub.headers['x-original-method'], 'GET');
    assert.equal(sub.headers['x-sent-from'], 'nginx-ingress-controller');
    assert.equal(sub.headers['x-auth-request-redirect'], '/admin/panel');
    assert.equal(sub.headers['content-length'], undefined);
  });

  test('/oauth2 reaches the auth service without auth, on IPv4 and IPv6', async () => {
    for (const origin of [`http://127.0.0.1:${nginx.port}`, `http://[::1]:${nginx.port}`]) {
      seen.length = 0;
      const res = await httpRequest(`${origin}/oauth2/start?rd=%2F`, { headers: { host: `localhost:${nginx.port}` } });
      assert.equal(res.status, 200);
      assert.equal(res.body, 'sidecar /oauth2/start?rd=%2F');
      assert.equal(seen.length, 1);
      assert.equal(seen[0]?.headers['x-forwarded-host'], `localhost:${nginx.port}`);
      assert.equal(seen[0]?.headers['x-forwarded-proto'], 'http');
    }
    const other = await httpRequest(`http://127.0.0.1:${nginx.port}/`, { headers: { host: 'elsewhere.test' } });
    assert.equal(other.status, 404);
  });
});

/**
 * k8s-examples/caddy/Caddyfile, through real Caddy (Debian's 2.6): `caddy adapt` accepts it and
 * its forward_auth asks /oauth2/forward-auth with route queries gatehouse parses; then the example
 * itself runs, its upstreams pointed at local stand-ins for gatehouse and the app, and shows what
 * the comments promise: /oauth2/ unchecked, gatehouse's redirect passed to the browser, the
 * original request in X-Forwarded-*, the proxy secret on the check only, and no client-sent
 * identity header reaching the app.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnLogged } from '../support/child-process.ts';
import type { LoggedChild } from '../support/child-process.ts';
import { killAtExit, removeAtExit } from '../support/exit-cleanup.ts';
import { httpRequest } from '../support/http-client.ts';
import { freePort, waitForPort } from '../support/ports.ts';
import { caddyAdapt, caddyEnv, checkRouteQuery, EXAMPLES, foreignHeaders, GATEHOUSE } from './support/proxy-examples.ts';
import type { CaddyConfig, CaddyHandler, CaddyRoute } from './support/proxy-examples.ts';

const CADDYFILE = join(EXAMPLES, 'caddy', 'Caddyfile');
const APP = 'app.apps.svc.cluster.local:80';
const SECRET = 'caddy-proxy-secret-0123456789';

/** The handlers of a route list, depth first, each with the handlers that ran before it in its own list. */
function* handlers(routes: readonly CaddyRoute[] = []): Generator<{ handler: CaddyHandler; earlier: CaddyHandler[] }> {
  const earlier: CaddyHandler[] = [];
  for (const route of routes) {
    for (const handler of route.handle ?? []) {
      yield { handler, earlier: [...earlier] };
      yield* handlers(handler.routes);
      for (const response of handler.handle_response ?? []) yield* handlers(response.routes);
      earlier.push(handler);
    }
  }
}

const isForwardAuth = (h: CaddyHandler): boolean => h.handler === 'reverse_proxy' && h.rewrite?.uri !== undefined;
const siteRoutes = (config: CaddyConfig): CaddyRoute[] => Object.values(config.apps.http.servers).flatMap((s) => s.routes);

interface Seen {
  url: string;
  method: string;
  headers: IncomingHttpHeaders;
}

/** What a stand-in answers. */
interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A local server answering with `answer` and remembering every request. */
async function stub(answer: (seen: Seen) => Answer): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const entry = { url: req.url ?? '', method: req.method ?? '', headers: req.headers };
    seen.push(entry);
    const { status, headers, body } = answer(entry);
    res.writeHead(status, headers).end(body ?? '');
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port, seen };
}

describe('caddy example', () => {
  let config: CaddyConfig;
  before(async () => {
    config = await caddyAdapt(CADDYFILE);
  });

  it('forward_auth asks /oauth2/forward-auth with parsed route queries and copies only gatehouse headers, after removing the client copies', () => {
    const checks = [...handlers(siteRoutes(config))].filter(({ handler }) => isForwardAuth(handler));
    assert.equal(checks.length, 2);
    for (const { handler, earlier } of checks) {
      assert.deepEqual(handler.upstreams, [{ dial: `${GATEHOUSE.host}:${GATEHOUSE.port}` }]);
      const uri = new URL(handler.rewrite?.uri ?? '', 'http://x');
      assert.equal(uri.pathname, '/oauth2/forward-auth');
      // Caddy keeps the client's query when the uri has none: a "?" must always be there.
      assert.match(handler.rewrite?.uri ?? '', /\?/);
      checkRouteQuery(uri.search.slice(1));
      assert.deepEqual(Object.keys(handler.headers?.request?.set ?? {}).sort(), ['X-Forwarded-Method', 'X-Forwarded-Uri', 'X-Gatehouse-Proxy-Secret']);
      const copied = (handler.handle_response ?? []).flatMap((r) => [...handlers(r.routes)]).flatMap(({ handler: h }) => Object.keys(h.request?.set ?? {}));
      assert.ok(copied.length >= 5);
      assert.deepEqual(foreignHeaders(copied), []);
      const removed = earlier.flatMap((h) => h.request?.delete ?? []);
      for (const header of copied) assert.ok(removed.includes(header), `${header} is removed before the check`);
    }
  });

  it('serves /oauth2/* from gatehouse without a check', () => {
    const oauth2 = [...handlers(siteRoutes(config))].find(({ handler }) => handler.routes?.length === 1 && handler.routes[0]?.handle?.[0]?.handler === 'reverse_proxy');
    assert.deepEqual(oauth2?.handler.routes?.[0]?.handle?.[0]?.upstreams, [{ dial: `${GATEHOUSE.host}:${GATEHOUSE.port}` }]);
    const json = JSON.stringify(siteRoutes(config));
    assert.match(json, /"path":\["\/oauth2\/\*"\]/);
  });

  describe('running', () => {
    let gatehouse: Awaited<ReturnType<typeof stub>>;
    let app: Awaited<ReturnType<typeof stub>>;
    let caddy: LoggedChild;
    let port: number;
    let dir: string;
    const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
      httpRequest(`http://127.0.0.1:${port}${path}`, { method, headers: { host: 'app.example.com', ...headers } });

    before(async () => {
      gatehouse = await stub(({ url, headers }): Answer => {
        if (url.startsWith('/oauth2/start')) return { status: 200, body: 'sign in' };
        if (headers.cookie === 'gatehouse=alice') return { status: 200, headers: { 'X-Auth-Request-User': 'alice', 'X-Auth-Request-Groups': 'admins' } };
        return { status: 302, headers: { location: 'https://app.example.com/oauth2/start?rd=%2F', 'set-cookie': 'gatehouse=; Max-Age=0' } };
      });
      app = await stub(({ headers }): Answer => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(headers) }));
      port = await freePort();
      // The example as adapted, with its upstreams and listener moved to this machine.
      const local = JSON.parse(
        JSON.stringify(config).replaceAll(`${GATEHOUSE.host}:${GATEHOUSE.port}`, `127.0.0.1:${gatehouse.port}`).replaceAll(APP, `127.0.0.1:${app.port}`),
      ) as CaddyConfig;
      for (const server of Object.values(local.apps.http.servers)) {
        server.listen = [`127.0.0.1:${port}`];
        server.automatic_https = { disable: true };
      }
      local.admin = { disabled: true, config: { persist: false } };
      dir = mkdtempSync(join(tmpdir(), 'gatehouse-caddy-example-'));
      removeAtExit(dir);
      writeFileSync(join(dir, 'caddy.json'), JSON.stringify(local));
      caddy = spawnLogged('caddy', ['run', '--config', join(dir, 'caddy.json')], { env: { ...caddyEnv(dir), GATEHOUSE_PROXY_SECRET: SECRET }, cwd: dir });
      killAtExit(caddy);
      await waitForPort(port, { tries: 100, intervalMs: 50, abortReason: () => (caddy.exitStatus() === undefined ? undefined : caddy.logs()) });
    });

    after(async () => {
      await caddy?.stop('SIGTERM', 5000);
      for (const server of [gatehouse?.server, app?.server]) server?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("passes gatehouse's redirect and cookie to a signed-out browser, the app unreached", async () => {
      const before = app.seen.length;
      const res = await get('/reports?y=1', { accept: 'text/html' });
      assert.equal(res.status, 302);
      assert.equal(res.headers.location, 'https://app.example.com/oauth2/start?rd=%2F');
      assert.deepEqual(res.setCookies, ['gatehouse=; Max-Age=0']);
      assert.equal(app.seen.length, before);
    });

    it('describes the original request in X-Forwarded-*, with the route query and the secret on the check alone', async () => {
      await get('/admin/users?page=2', { cookie: 'gatehouse=alice' }, 'POST');
      const check = gatehouse.seen.at(-1);
      assert.equal(check?.method, 'GET');
      assert.equal(check?.url, '/oauth2/forward-auth?allowed_groups=admins');
      assert.equal(check?.headers['x-forwarded-method'], 'POST');
      assert.equal(check?.headers['x-forwarded-uri'], '/admin/users?page=2');
      assert.equal(check?.headers['x-forwarded-host'], 'app.example.com');
      assert.equal(check?.headers['x-gatehouse-proxy-secret'], SECRET);
      assert.equal(app.seen.at(-1)?.headers['x-gatehouse-proxy-secret'], undefined);
    });

    it("hands the app gatehouse's identity headers and none the client sent, and never the client's query as the policy", async () => {
      const res = await get('/reports?backend=elasticsearch', { cookie: 'gatehouse=alice', 'x-auth-request-user': 'mallory', 'x-auth-request-email': 'mallory@example.com' });
      assert.equal(res.status, 200);
      const seen = JSON.parse(res.body) as Record<string, string>;
      assert.equal(seen['x-auth-request-user'], 'alice');
      assert.equal(seen['x-auth-request-groups'], 'admins');
      assert.equal(seen['x-auth-request-email'], undefined);
      assert.equal(new URL(gatehouse.seen.at(-1)?.url ?? '', 'http://x').search, '');
      assert.equal(gatehouse.seen.at(-1)?.headers['x-forwarded-uri'], '/reports?backend=elasticsearch');
    });

    it('serves /oauth2/start from gatehouse without asking it first', async () => {
      const checks = gatehouse.seen.length;
      const res = await get('/oauth2/start?rd=%2F');
      assert.equal(res.body, 'sign in');
      assert.deepEqual(gatehouse.seen.slice(checks).map((s) => s.url), ['/oauth2/start?rd=%2F']);
    });
  });
});

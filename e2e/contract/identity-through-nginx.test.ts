/**
 * The identity model end to end: roles and claim headers reach the app through nginx's
 * auth-response-headers, a named policy reads the method nginx puts in X-Original-Method, a
 * denied user gets 403 (never a sign-in loop), and SIGHUP reloads the policies of a running
 * gatehouse process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_AUTH_RESPONSE_HEADERS } from '../nginx/ingresses.ts';
import { httpRequest } from '../support/http-client.ts';
import { signInOverHttp } from '../support/http-login.ts';
import { startStack, type Stack } from '../stack/start-stack.ts';

const CONFIG = `
version: 1
claims: { userinfo: always }
group_mappings: { admins: [kibana_admin] }
policies:
  docs-readers: { roles: [kibana_admin], methods: [GET, HEAD], paths: [/docs/] }
headers:
  claims: { include: [department] }
`;

describe('identity model through nginx', () => {
  let stack: Stack;
  let dir: string;
  let file: string;
  let alice: string;
  let bob: string;
  const request = (path: string, cookie: string, method = 'GET') =>
    httpRequest(`${stack.baseUrl}${path}`, { method, headers: { accept: 'application/json', cookie } });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-identity-e2e-'));
    file = join(dir, 'config.yaml');
    writeFileSync(file, CONFIG);
    stack = await startStack({
      gatehouseEnv: {
        GATEHOUSE_CONFIG_FILE: file,
        GATEHOUSE_CONFIG_RELOAD_INTERVAL: '0',
        GATEHOUSE_OIDC_SCOPES: 'openid profile email groups roles',
      },
      nginx: {
        ingresses: [
          { name: 'app', path: '/', authQuery: '', signin: 'relative-rd' },
          { name: 'docs', path: '/docs', authQuery: '?policy=docs-readers', signin: 'relative-rd' },
          { name: 'ops', path: '/ops', authQuery: '?role=kibana_admin|ops&role=kibana_admin', signin: 'relative-rd' },
        ],
        responseHeaders: [...DEFAULT_AUTH_RESPONSE_HEADERS, 'X-Auth-Request-Roles', 'X-Auth-Request-Claim-department'],
      },
    });
    alice = (await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice', rd: '/' })).cookieHeader;
    bob = (await signInOverHttp(stack.baseUrl, { login: 'bob', password: 'bob', rd: '/' })).cookieHeader;
  });
  after(async () => {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('roles and claim headers reach the app', async () => {
    const res = await request('/docs/guide', alice);
    assert.equal(res.status, 200);
    const seen = (JSON.parse(res.body) as { headers: Record<string, string> }).headers;
    assert.equal(seen['x-auth-request-roles'], 'kibana_admin');
    assert.equal(seen['x-auth-request-claim-department'], 'engineering');
  });

  it('denied by a named policy or EasyAuth roles: 403, never a redirect to sign-in', async () => {
    for (const [path, cookie, method] of [['/docs/guide', bob, 'GET'], ['/ops/x', bob, 'GET'], ['/docs/guide', alice, 'POST']] as const) {
      const res = await request(path, cookie, method);
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal(res.headers.location, undefined);
    }
    assert.equal((await request('/ops/x', alice)).status, 200);
  });

  it('SIGHUP reloads the policies of the running process; a bad file keeps them', async () => {
    const [replica] = stack.gatehouse;
    assert.ok(replica);
    writeFileSync(file, `${CONFIG}\npolicies: nonsense\n`.replace(/policies:\n[^\n]*\n/, ''));
    process.kill(replica.pid, 'SIGHUP');
    for (let i = 0; i < 50 && !replica.logs().includes('config reload refused'); i++) await sleep(50);
    assert.match(replica.logs(), /config reload refused/);
    assert.equal((await request('/docs/guide', alice)).status, 200, 'the previous policies stay in force');
    writeFileSync(file, CONFIG.replace('roles: [kibana_admin], methods', 'roles: [nobody], methods'));
    process.kill(replica.pid, 'SIGHUP');
    let status = 0;
    for (let i = 0; i < 50 && status !== 403; i++) {
      status = (await request('/docs/guide', alice)).status;
      if (status !== 403) await sleep(50);
    }
    assert.equal(status, 403);
  });
});

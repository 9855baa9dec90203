/**
 * The identity model against a real OpenID Provider: claims mapped from the ID token and UserInfo,
 * claim patterns, roles from group and role mappings, named policies and the EasyAuth role
 * syntax on the auth-url query, claim headers, and reloading the config file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONFIG_FILE_KEYS } from '../../src/config/config-file.ts';
import { eventually } from '../support/eventually.ts';
import { startHarness, type Harness } from '../support/harness.ts';

const CONFIG = `
version: 1
claims:
  username: { path: email, pattern: '^([^@]+)@example\\.com$' }
  groups: groups
  userinfo: always
group_mappings:
  ADMINS: [kibana_admin]
default_roles: [viewer]
role_mappings:
  engineering:
    enabled: true
    roles: [eng]
    rules: { field: { "metadata.oidc(department)": engineering } }
policies:
  engineers: { roles: [eng] }
  reads-only: { methods: [GET, HEAD], paths: [/docs/] }
headers:
  claims: { include: [department, realm_access.roles] }
`;

const SUBREQUEST = { 'x-original-url': 'http://app.localtest/docs/a?q=1', 'x-original-method': 'GET', 'x-real-ip': '127.0.0.1' };

describe('identity model', () => {
  let h: Harness;
  let dir: string;
  let file: string;
  let alice: string;
  let bob: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-identity-'));
    file = join(dir, 'config.yaml');
    writeFileSync(file, CONFIG);
    h = await startHarness(
      { GATEHOUSE_CONFIG_FILE: file, GATEHOUSE_OIDC_SCOPES: 'openid profile email groups roles' },
      { configPollMs: 50 },
    );
    [alice, bob] = [await h.signIn('alice'), await h.signIn('bob')];
  });
  after(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const check = (query: string, cookie: string, headers: Record<string, string> = {}) =>
    h.request(`/oauth2/auth${query}`, { headers: { ...SUBREQUEST, cookie, ...headers } });
  const lastCheck = () => h.logs.filter((line) => line.msg === 'auth check').at(-1);

  it('maps the username through its pattern and reads UserInfo-only claims', async () => {
    const res = await check('', alice);
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-auth-request-user'], 'alice');
    // department and realm_access come only from UserInfo.
    assert.equal(res.headers['x-auth-request-claim-department'], 'engineering');
    assert.equal(res.headers['x-auth-request-claim-realm-access-roles'], 'kibana_admin%2Coffline_access');
  });

  it('roles: group mappings (case-insensitive) and role mappings, defaults only as a fallback', async () => {
    assert.equal((await check('', alice)).headers['x-auth-request-roles'], 'kibana_admin,eng');
    assert.equal((await check('', bob)).headers['x-auth-request-roles'], 'eng');
    const me = await h.request('/oauth2/userinfo', { headers: { cookie: bob } });
    assert.deepEqual(JSON.parse(me.body).roles, ['eng']);
  });

  it('a username the pattern refuses fails sign-in with a page that says so', async () => {
    // carol@example.org does not match ^([^@]+)@example\.com$.
    await assert.rejects(h.signIn('carol'), /callback answered 403[\s\S]*cannot be used here/);
  });

  it('allowed_roles, EasyAuth role=A|B&role=C and policy=<name>, with reasons in the log', async () => {
    const cases: Array<[string, string, number, string[]]> = [
      ['?allowed_roles=kibana_admin', alice, 200, ['role-ok']],
      ['?allowed_roles=kibana_admin', bob, 403, ['role-unauthorized']],
      ['?role=kibana_admin|eng&role=eng', bob, 200, ['role-ok']],
      ['?role=kibana_admin&role=eng', bob, 403, ['role-unauthorized']],
      ['?role=Eng', bob, 403, ['role-unauthorized']],
      ['?policy=engineers', bob, 200, ['role-ok']],
      ['?policy=reads-only', bob, 200, ['method-ok', 'path-ok']],
      ['?policy=engineers&allowed_groups=admins', bob, 403, ['group-unauthorized']],
    ];
    for (const [query, cookie, status, reasons] of cases) {
      const res = await check(query, cookie);
      assert.equal(res.status, status, query);
      await eventually(async () => assert.deepEqual(lastCheck()?.reasons, reasons, query), 20, 50);
    }
  });

  it('request facts: method, nginx-normalised path and a missing header deny with 403, never 401', async () => {
    const post = await check('?policy=reads-only', bob, { 'x-original-method': 'POST' });
    assert.equal(post.status, 403);
    const escape = await check('?policy=reads-only', bob, { 'x-original-url': 'http://app.localtest/docs/../admin' });
    assert.equal(escape.status, 403);
    const missing = await h.request('/oauth2/auth?policy=reads-only', { headers: { cookie: bob } });
    assert.equal(missing.status, 403);
    await eventually(async () => assert.deepEqual(lastCheck()?.reasons, ['request-facts-invalid']), 20, 50);
  });

  it('an unknown policy name answers 500 with a logged reason, never an allow', async () => {
    const res = await check('?policy=nope', alice);
    assert.equal(res.status, 500);
    await eventually(async () => {
      const line = h.logs.filter((l) => l.msg === 'auth check failed').at(-1);
      assert.deepEqual(line?.reasons, ['policy-invalid']);
      assert.match(String(line?.err), /unknown policy "nope"/);
    }, 20, 50);
    const metrics = await h.request(new URL('/metrics', h.metricsUrl).href);
    assert.match(metrics.body, /gatehouse_auth_decisions_total\{result="error",reason="policy-invalid"\} [1-9]/);
    assert.match(metrics.body, /gatehouse_auth_decisions_total\{result="deny",reason="role-unauthorized"\} [1-9]/);
  });

  it('reloads when the file changes; a bad file is refused and the previous config stays', async () => {
    writeFileSync(file, CONFIG.replace('engineers: { roles: [eng] }', 'engineers: { roles: [finance] }'));
    await eventually(async () => assert.equal((await check('?policy=engineers', bob)).status, 403), 60, 50);
    writeFileSync(file, `${CONFIG.replace('default_roles: [viewer]', 'default_roles: viewer')}\nbogus: 1\n`);
    await eventually(async () => {
      const refused = h.logs.filter((l) => l.msg === 'config reload refused; the previous config stays in force').at(-1);
      assert.ok(refused);
      assert.deepEqual(refused.problems, [
        `GATEHOUSE_CONFIG_FILE: unknown key "bogus" in ${file}; known keys: ${CONFIG_FILE_KEYS.join(', ')}`,
        'default_roles: must be a list of role names',
      ]);
    }, 60, 50);
    assert.equal((await check('?policy=engineers', bob)).status, 403, 'the last good config is still in force');
    writeFileSync(file, CONFIG);
    assert.equal(h.server.deps.identity.reload('test'), 'applied');
    assert.equal((await check('?policy=engineers', bob)).status, 200);
  });
});

/**
 * The ldap source's connection and its protections, against a real slapd: LDAPS with the CA
 * bundle (and a certificate from an unknown CA refused as "unreachable", never as a wrong
 * password); the principal cache; a required group reached through nested groups; groups as DNs
 * mapped as EventStoreDB's LdapGroupRoles are, down to the ES-TrustedAuth header; a dead directory
 * answering 503 fast once the circuit opens; and the per-login limit on failed passwords.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createDirectory, type Directory } from '../../src/sources/ldap/ldap-directory.ts';
import { CIRCUIT_THRESHOLD, createLdapSource } from '../../src/sources/ldap/ldap-source.ts';
import { requestWith } from '../../src/sources/source.contract.ts';
import { GROUPS, startSlapd, USERS, type Slapd } from '../../../e2e/support/slapd.ts';
import { basic, ldapEnv, startPasswordGatehouse, type PasswordGatehouse } from '../support/password-gatehouse.ts';

describe('ldap source: TLS, cache, required group, DN groups, a dead directory, limits', () => {
  let slapd: Slapd;
  let dir: string;
  const running: PasswordGatehouse[] = [];
  const start = async (env: Record<string, string>, yaml?: string): Promise<PasswordGatehouse> => {
    const g = await startPasswordGatehouse(env, yaml === undefined ? undefined : { path: join(dir, `config-${running.length}.yaml`), yaml });
    running.push(g);
    return g;
  };
  before(async () => {
    slapd = await startSlapd();
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-ldap-'));
  });
  after(async () => {
    for (const g of running) await g.stop();
    await slapd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('LDAPS with the CA bundle signs in; without it the certificate is refused as unreachable, never as a wrong password', async () => {
    const g = await start(ldapEnv(slapd, { GATEHOUSE_LDAP_URL: slapd.ldapsUrl, GATEHOUSE_LDAP_START_TLS: 'false' }));
    assert.equal((await g.auth(basic('alice', USERS.alice.password))).status, 200);
    const settings = g.server.deps.config.ldap;
    assert.ok(settings);
    const untrusted = await createDirectory({ ...settings, caPem: undefined })('alice', USERS.alice.password);
    assert.equal(untrusted.kind, 'unreachable');
    const startTls = await createDirectory({ ...settings, url: new URL(slapd.url), startTls: true, caPem: undefined })('alice', USERS.alice.password);
    assert.equal(startTls.kind, 'unreachable', 'StartTLS checks the certificate as LDAPS does');
  });

  it('the principal cache answers a repeated password without the directory; another password or an expired entry asks it', async () => {
    const g = await start(ldapEnv(slapd, { GATEHOUSE_LDAP_CACHE_TTL: '60s' }));
    const settings = g.server.deps.config.ldap;
    assert.ok(settings);
    let calls = 0;
    const real = createDirectory(settings);
    const counting: Directory = (login, password) => {
      calls += 1;
      return real(login, password);
    };
    const source = createLdapSource(g.server.deps, counting);
    const as = (password: string) => source.identify(requestWith({ authorization: basic('alice', password) }));
    assert.equal((await as(USERS.alice.password)).state, 'identified');
    assert.equal((await as(USERS.alice.password)).state, 'identified');
    assert.equal(calls, 1, 'the second check came from the cache');
    assert.equal((await as('wrong')).state, 'unauthenticated');
    assert.equal(calls, 2, 'another password is never answered from the cache');
    g.advance(60_001);
    assert.equal((await as(USERS.alice.password)).state, 'identified');
    assert.equal(calls, 3, 'an expired entry asks the directory again');
  });

  it('a required group reached through two levels of nesting lets alice in and keeps bob out with 401', async () => {
    const g = await start(ldapEnv(slapd, { GATEHOUSE_LDAP_REQUIRED_GROUP: `cn=gatehouse-users,${GROUPS}` }));
    assert.equal((await g.auth(basic('alice', USERS.alice.password))).status, 200);
    const bob = await g.auth(basic('bob', USERS.bob.password));
    assert.equal(bob.status, 401);
    assert.match(String(bob.headers['www-authenticate']), /^Basic realm=/);
    await new Promise((resolve) => setTimeout(resolve, 250)); // check lines are written in batches
    assert.ok(g.logs.some((l) => Array.isArray(l.reasons) && (l.reasons as string[]).includes('ldap-group-required')));
  });

  it("groups as DNs map to roles as EventStoreDB's LdapGroupRoles do, down to the ES-TrustedAuth header", async () => {
    const yaml = [
      'group_mappings:',
      `  "cn=admins,${GROUPS}": [$admins]`,
      `  "cn=staff,${GROUPS}": [ops]`,
    ].join('\n');
    const g = await start(ldapEnv(slapd, { GATEHOUSE_LDAP_GROUP_NAME: 'dn' }), yaml);
    const res = await g.auth(basic('alice', USERS.alice.password), { query: '?backend=eventstore' });
    assert.equal(res.status, 200);
    assert.ok(String(res.headers['x-auth-request-groups']).includes(`cn=admins,${GROUPS}`));
    assert.equal(res.headers['es-trustedauth'], 'alice; $admins, ops');
  });

  it('a dead directory answers 503, and after 5 failures in a row 503 at once without waiting', async () => {
    // A black hole: accepts connections and never answers, the worst case for a timeout.
    const held: Socket[] = [];
    const hole: Server = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => hole.listen(0, '127.0.0.1', resolve));
    const port = (hole.address() as { port: number }).port;
    try {
      const g = await start(ldapEnv(slapd, { GATEHOUSE_LDAP_URL: `ldap://127.0.0.1:${port}`, GATEHOUSE_LDAP_TIMEOUT: '300ms' }));
      for (let i = 0; i < CIRCUIT_THRESHOLD; i++) {
        const started = performance.now();
        const res = await g.auth(basic('alice', USERS.alice.password));
        assert.equal(res.status, 503);
        assert.ok(performance.now() - started >= 250, 'waited for the timeout');
      }
      const started = performance.now();
      const fast = await g.auth(basic('alice', USERS.alice.password));
      const ms = performance.now() - started;
      assert.equal(fast.status, 503);
      assert.ok(ms < 100, `answered in ${ms.toFixed(1)} ms with the circuit open`);
      assert.match(await g.metrics(), /^gatehouse_ldap_circuit_open 1$/m);
      assert.equal((await g.forwardAuth(basic('alice', USERS.alice.password))).status, 503);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => hole.close(resolve));
    }
  });

  it('a stopped directory is 503, never 401, and never counted as a wrong password', async () => {
    const gone = await startSlapd();
    const g = await start(ldapEnv(gone, { GATEHOUSE_BASIC_MAX_FAILURES_PER_USER: '1' }));
    assert.equal((await g.auth(basic('alice', USERS.alice.password))).status, 200);
    await gone.stop();
    for (let i = 0; i < 3; i++) assert.equal((await g.auth(basic('alice', 'whatever'))).status, 503);
    assert.doesNotMatch(await g.metrics(), /^gatehouse_basic_auth_failures_total\{source="ldap"\} [1-9]/m);
  });

  it('failed passwords are limited per login: the next attempt, a right one too, is refused until the window ends', async () => {
    const g = await start(ldapEnv(slapd, { GATEHOUSE_BASIC_MAX_FAILURES_PER_USER: '3', GATEHOUSE_BASIC_FAILURE_WINDOW: '2m' }));
    for (let i = 0; i < 3; i++) assert.equal((await g.auth(basic('bob', `guess-${i}`), { realIp: '203.0.113.5' })).status, 401);
    const nginx = await g.auth(basic('bob', USERS.bob.password), { realIp: '203.0.113.6' });
    assert.equal(nginx.status, 403, 'nginx would turn a 429 into a 500');
    const retryAfter = Number(nginx.headers['retry-after']);
    assert.ok(retryAfter > 100 && retryAfter <= 120, String(retryAfter));
    const traefik = await g.forwardAuth(basic('bob', USERS.bob.password));
    assert.equal(traefik.status, 429);
    assert.ok(Number(traefik.headers['retry-after']) > 0);
    assert.equal((await g.auth(basic('alice', USERS.alice.password), { realIp: '203.0.113.5' })).status, 200, 'another login from the same address');
    g.advance(120_001);
    assert.equal((await g.auth(basic('bob', USERS.bob.password))).status, 200);
    const metrics = await g.metrics();
    assert.match(metrics, /^gatehouse_basic_auth_failures_total\{source="ldap"\} 3$/m);
    assert.match(metrics, /^gatehouse_rate_limited_total\{scope="user"\} 2$/m);
  });
});

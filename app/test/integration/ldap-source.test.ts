/**
 * The ldap source against a real slapd over StartTLS: the source contract; nested groups (a cycle
 * too) and a DN with an escaped comma on the identity, mapped to roles as for every source; and
 * the refusals — a wrong password, a ppolicy-locked account, two entries for one login, LDAP
 * injection that must never widen the search, and an empty password, refused before any
 * directory call although this server would take it as an anonymous bind.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from 'ldapts';
import { createDirectory, type Directory } from '../../src/sources/ldap/ldap-directory.ts';
import { createLdapSource } from '../../src/sources/ldap/ldap-source.ts';
import { requestWith, sourceContract } from '../../src/sources/source.contract.ts';
import { BASE, ROOT, startSlapd, USERS, type Slapd } from '../../../e2e/support/slapd.ts';
import { basic, ldapEnv, startPasswordGatehouse, type PasswordGatehouse } from '../support/password-gatehouse.ts';

const INJECTIONS = ['*)(uid=*', '*', 'al*', 'alice)(|(uid=*', 'alice)(objectClass=*', '*)(|(objectClass=*)', 'x\\2a', 'alice\u0000'];

describe('ldap source against a real slapd (StartTLS)', () => {
  let slapd: Slapd;
  let g: PasswordGatehouse;
  let dir: string;
  before(async () => {
    slapd = await startSlapd();
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-ldap-'));
    // High limits here: the contract sends many wrong credentials; the limits have their own tests.
    g = await startPasswordGatehouse(ldapEnv(slapd, { GATEHOUSE_BASIC_MAX_FAILURES_PER_USER: '1000', GATEHOUSE_BASIC_MAX_FAILURES_PER_CLIENT: '1000' }), {
      path: join(dir, 'gatehouse.yaml'),
      yaml: 'group_mappings:\n  admins: [ops_admin]\n  staff: [reader]\n',
    });
  });
  after(async () => {
    await g?.stop();
    await slapd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  sourceContract({
    source: () => createLdapSource(g.server.deps),
    valid: () => ({ authorization: basic('alice', USERS.alice.password) }),
    user: 'alice',
    invalid: () => [
      { authorization: basic('alice', 'not-her-password') },
      { authorization: basic('nobody', USERS.alice.password) },
      { authorization: basic('dora', USERS.dora.password) },
      { authorization: basic('twin', USERS.twin.password) },
      { authorization: basic('alice', '') },
      { authorization: 'Basic !!!' },
      ...INJECTIONS.map((login) => ({ authorization: basic(login, USERS.alice.password) })),
    ],
  });

  it('a user carries her groups, nested ones and a cycle once, mapped to roles as for every source', async () => {
    const res = await g.auth(basic('alice', USERS.alice.password));
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-auth-request-user'], 'alice');
    assert.equal(res.headers['x-auth-request-email'], 'alice@example.test');
    assert.equal(res.headers['x-auth-request-source'], 'ldap');
    assert.deepEqual(String(res.headers['x-auth-request-groups']).split(',').sort(), ['admins', 'gatehouse-users', 'loop-a', 'loop-b', 'staff']);
    assert.deepEqual(String(res.headers['x-auth-request-roles']).split(',').sort(), ['ops_admin', 'reader']);
    assert.equal((await g.auth(basic('alice', USERS.alice.password), { query: '?allowed_groups=gatehouse-users' })).status, 200);
    assert.equal((await g.auth(basic('bob', USERS.bob.password), { query: '?allowed_groups=gatehouse-users' })).status, 403);
  });

  it('a DN with an escaped comma signs in, and the groups listing that DN are found', async () => {
    const who = await createLdapSource(g.server.deps).identify(requestWith({ authorization: basic('jsmith', USERS.jsmith.password) }));
    assert.equal(who.state, 'identified');
    if (who.state !== 'identified') return;
    assert.equal(who.identity.dn, USERS.jsmith.dn);
    assert.equal(who.identity.name, 'Smith, John');
    assert.deepEqual([...who.identity.groups].sort(), ['gatehouse-users', 'staff']);
  });

  it('a wrong password and a locked account are 401 with the Basic challenge; the locked one has the right password', async () => {
    for (const [login, password] of [['alice', 'wrong'], ['dora', USERS.dora.password]] as const) {
      const res = await g.auth(basic(login, password));
      assert.equal(res.status, 401, login);
      assert.equal(res.headers['www-authenticate'], 'Basic realm="gatehouse", charset="UTF-8"', login);
      assert.equal(res.headers['x-auth-request-user'], undefined);
    }
    const root = new Client({ url: slapd.url });
    try {
      await root.bind(ROOT.dn, ROOT.password);
      assert.equal(await root.compare(USERS.dora.dn, 'userPassword', USERS.dora.password), true, 'only ppolicy refuses dora');
    } finally {
      await root.unbind();
    }
  });

  it('LDAP injection in the login never widens the search: the directory finds no entry', async () => {
    const settings = g.server.deps.config.ldap;
    assert.ok(settings);
    const directory = createDirectory(settings);
    for (const login of INJECTIONS) {
      const answer = await directory(login, USERS.alice.password);
      assert.deepEqual(answer, { kind: 'refused', why: 'no-entry' }, JSON.stringify(login));
      assert.equal((await g.auth(basic(login, USERS.alice.password))).status, 401, JSON.stringify(login));
    }
    // The control: the same login pasted into the filter unescaped would match every person.
    const raw = new Client({ url: slapd.url });
    try {
      await raw.bind(USERS.service.dn, USERS.service.password);
      const { searchEntries } = await raw.search(BASE, { scope: 'sub', filter: settings.userFilter.replace('{login}', '*') });
      assert.ok(searchEntries.length > 3, `the unescaped filter matches ${searchEntries.length} entries`);
    } finally {
      await raw.unbind();
    }
  });

  it('two entries for one login are 401: the search must find exactly one', async () => {
    const settings = g.server.deps.config.ldap;
    assert.ok(settings);
    assert.deepEqual(await createDirectory(settings)('twin', USERS.twin.password), { kind: 'refused', why: 'ambiguous' });
  });

  it('an empty password is refused before any directory call, though this server takes it as an anonymous bind', async () => {
    const anonymous = new Client({ url: slapd.url });
    try {
      await anonymous.bind(USERS.alice.dn, '');
    } finally {
      await anonymous.unbind();
    }
    let calls = 0;
    const settings = g.server.deps.config.ldap;
    assert.ok(settings);
    const real = createDirectory(settings);
    const counting: Directory = (login, password) => {
      calls += 1;
      return real(login, password);
    };
    const source = createLdapSource(g.server.deps, counting);
    for (const header of [basic('alice', ''), basic('', USERS.alice.password), `Basic ${Buffer.from('alice').toString('base64')}`]) {
      const who = await source.identify(requestWith({ authorization: header }));
      assert.equal(who.state, 'unauthenticated', header);
    }
    assert.equal(calls, 0);
    assert.equal((await source.identify(requestWith({ authorization: basic('alice', USERS.alice.password) }))).state, 'identified');
    assert.equal(calls, 1);
  });

  it('the search account password never reaches a log line or a metric', async () => {
    const text = JSON.stringify(g.logs) + (await g.metrics());
    for (const secret of [USERS.service.password, USERS.alice.password, USERS.dora.password]) assert.ok(!text.includes(secret), secret);
  });
});

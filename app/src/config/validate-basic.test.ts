import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from './load-config.ts';
import { problemsOf } from '../../test/support/config-env.ts';

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-basic-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const ca = join(dir, 'ca.pem');
const notCa = join(dir, 'not-ca.pem');
writeFileSync(notCa, 'hello');

const LDAP = {
  GATEHOUSE_IDENTITY_SOURCES: 'ldap',
  GATEHOUSE_LDAP_URL: 'ldaps://ldap.example.com',
  GATEHOUSE_LDAP_BIND_DN: 'cn=gatehouse,ou=services,dc=example,dc=com',
  GATEHOUSE_LDAP_BIND_PASSWORD: 'bind-secret',
  GATEHOUSE_LDAP_BASE_DN: 'ou=people,dc=example,dc=com',
};

test('the ldap source: defaults as EventStoreDB names them, the bind password from a file', () => {
  const secret = join(dir, 'bind-password');
  writeFileSync(secret, 'from-a-file\n');
  const { GATEHOUSE_LDAP_BIND_PASSWORD: _, ...rest } = LDAP;
  const config = loadConfig({ ...rest, GATEHOUSE_LDAP_BIND_PASSWORD_FILE: secret });
  assert.equal(config.ldap?.bindPassword, 'from-a-file');
  assert.equal(config.ldap?.userFilter, '(&(objectClass=person)(uid={login}))');
  assert.deepEqual(config.ldap?.groups, { baseDn: LDAP.GATEHOUSE_LDAP_BASE_DN, objectClass: 'groupOfNames', memberAttribute: 'member', name: 'cn' });
  assert.equal(config.ldap?.cacheTtlMs, 60_000);
  assert.equal(config.ldap?.timeoutMs, 5000);
  assert.deepEqual(config.basic, { realm: 'gatehouse', limits: { perUser: 5, perClient: 20, windowMs: 600_000 } });
  assert.equal(config.oidc, undefined, 'no OpenID Provider is needed');
});

test('every ldap variable the source needs is named when missing, and an empty bind password counts as missing', () => {
  const problems = problemsOf({ GATEHOUSE_IDENTITY_SOURCES: 'ldap', GATEHOUSE_LDAP_BIND_PASSWORD: '' });
  for (const name of ['GATEHOUSE_LDAP_URL', 'GATEHOUSE_LDAP_BIND_DN', 'GATEHOUSE_LDAP_BIND_PASSWORD', 'GATEHOUSE_LDAP_BASE_DN']) {
    assert.ok(problems.some((p) => p.startsWith(`${name} is required with GATEHOUSE_IDENTITY_SOURCES=ldap`)), name);
  }
});

test('plaintext LDAP is refused unless asked for; StartTLS only on ldap://; every other problem named at once', () => {
  assert.ok(problemsOf({ ...LDAP, GATEHOUSE_LDAP_URL: 'ldap://ldap.example.com' }).some((p) => p.includes('clear text')));
  assert.equal(loadConfig({ ...LDAP, GATEHOUSE_LDAP_URL: 'ldap://127.0.0.1:389', GATEHOUSE_LDAP_ALLOW_PLAINTEXT: 'true' }).ldap?.startTls, false);
  assert.equal(loadConfig({ ...LDAP, GATEHOUSE_LDAP_URL: 'ldap://ldap.example.com', GATEHOUSE_LDAP_START_TLS: 'true' }).ldap?.startTls, true);
  const problems = problemsOf({
    ...LDAP,
    GATEHOUSE_LDAP_URL: 'ldaps://user:pw@ldap.example.com/dc=example,dc=com',
    GATEHOUSE_LDAP_START_TLS: 'true',
    GATEHOUSE_LDAP_BIND_DN: 'not a dn',
    GATEHOUSE_LDAP_USER_FILTER: '(uid=alice)',
    GATEHOUSE_LDAP_USERNAME_ATTRIBUTE: 'u id',
    GATEHOUSE_LDAP_REQUIRED_GROUP: 'admins',
    GATEHOUSE_LDAP_CA_FILE: notCa,
    GATEHOUSE_LDAP_CACHE_TTL: '2h',
  });
  for (const expected of [
    'GATEHOUSE_LDAP_START_TLS is for ldap:// URLs',
    'GATEHOUSE_LDAP_URL must not hold credentials',
    'GATEHOUSE_LDAP_URL must name only the server',
    'GATEHOUSE_LDAP_BIND_DN: "not a dn" is not a distinguished name',
    'GATEHOUSE_LDAP_USER_FILTER must contain {login}',
    'GATEHOUSE_LDAP_USERNAME_ATTRIBUTE: "u id" is not an attribute name',
    'GATEHOUSE_LDAP_REQUIRED_GROUP: "admins" is not a distinguished name',
    'GATEHOUSE_LDAP_CA_FILE does not hold a PEM certificate',
    'GATEHOUSE_LDAP_CACHE_TTL must be at most 1h',
  ]) {
    assert.ok(problems.some((p) => p.includes(expected)), `${expected}\n${problems.join('\n')}`);
  }
});

test('groups are named by cn or dn, nothing else', () => {
  assert.equal(loadConfig({ ...LDAP, GATEHOUSE_LDAP_GROUP_NAME: 'dn' }).ldap?.groups.name, 'dn');
  assert.ok(problemsOf({ ...LDAP, GATEHOUSE_LDAP_GROUP_NAME: 'uid' }).some((p) => p.startsWith('GATEHOUSE_LDAP_GROUP_NAME')));
});

test('the CA bundle is read and kept for LDAPS and StartTLS', () => {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', ca, '-days', '1', '-subj', '/CN=t'], { stdio: 'ignore' });
  assert.match(loadConfig({ ...LDAP, GATEHOUSE_LDAP_CA_FILE: ca }).ldap?.caPem ?? '', /BEGIN CERTIFICATE/);
});

test('the htpasswd source needs its file; ldap and htpasswd together are refused; the realm needs no escaping', () => {
  assert.ok(problemsOf({ GATEHOUSE_IDENTITY_SOURCES: 'htpasswd' }).some((p) => p.startsWith('GATEHOUSE_HTPASSWD_FILE is required with GATEHOUSE_IDENTITY_SOURCES=htpasswd')));
  const users = join(dir, 'users');
  writeFileSync(users, execFileSync('htpasswd', ['-nbB', 'alice', 'pw'], { encoding: 'utf8' }));
  const config = loadConfig({ GATEHOUSE_IDENTITY_SOURCES: 'htpasswd', GATEHOUSE_HTPASSWD_FILE: users, GATEHOUSE_BASIC_REALM: 'EventStoreDB' });
  assert.deepEqual(config.htpasswd, { file: users, pollMs: 2000 });
  assert.equal(config.basic.realm, 'EventStoreDB');
  assert.ok(problemsOf({ GATEHOUSE_IDENTITY_SOURCES: 'htpasswd', GATEHOUSE_HTPASSWD_FILE: join(dir, 'missing') }).some((p) => p.includes('cannot read')));
  const both = problemsOf({ ...LDAP, GATEHOUSE_IDENTITY_SOURCES: 'ldap,htpasswd', GATEHOUSE_HTPASSWD_FILE: users, GATEHOUSE_BASIC_REALM: 'say "hi"' });
  assert.ok(both.some((p) => p.includes('lists both ldap and htpasswd')));
  assert.ok(both.some((p) => p.startsWith('GATEHOUSE_BASIC_REALM must be')));
});

test("the config file's htpasswd section: groups by user, every problem named", () => {
  const users = join(dir, 'users2');
  writeFileSync(users, execFileSync('htpasswd', ['-nbB', 'alice', 'pw'], { encoding: 'utf8' }));
  const file = join(dir, 'gatehouse.yaml');
  writeFileSync(file, 'htpasswd:\n  groups:\n    admins: [alice, bob]\n    readers: [alice]\n');
  const config = loadConfig({ GATEHOUSE_IDENTITY_SOURCES: 'htpasswd', GATEHOUSE_HTPASSWD_FILE: users, GATEHOUSE_CONFIG_FILE: file });
  assert.deepEqual([...config.identity.htpasswdGroups], [['alice', ['admins', 'readers']], ['bob', ['admins']]]);
  writeFileSync(file, 'htpasswd:\n  users: {}\n  groups:\n    "a,b": [alice]\n    admins: alice\n    readers: [""]\n');
  const problems = problemsOf({ GATEHOUSE_IDENTITY_SOURCES: 'htpasswd', GATEHOUSE_HTPASSWD_FILE: users, GATEHOUSE_CONFIG_FILE: file });
  for (const expected of ['htpasswd.users: unknown key', 'htpasswd.groups: group "a,b" holds a comma', 'htpasswd.groups.admins: must be a list', 'htpasswd.groups.readers[0]: must be a non-empty string']) {
    assert.ok(problems.some((p) => p.includes(expected)), `${expected}\n${problems.join('\n')}`);
  }
});

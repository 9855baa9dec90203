/**
 * The chart's password sources: `authProvider: ldap` (or `htpasswd`) alone, or `ldap.enabled`
 * beside the provider's source; the settings in the ConfigMap; the bind password, the directory's
 * CA and the htpasswd file mounted as files from existing Secrets; the rendered pod's
 * configuration accepted by gatehouse's --check-config (and a weak htpasswd file refused by it);
 * the NetworkPolicy letting the pod reach the directory; the values refused with a message.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { GATEHOUSE_MAIN, REPO_ROOT } from '../stack/gatehouse-process.ts';
import { createTestCertificates } from '../support/tls-certificates.ts';
import { renderChart, renderNotes, templateChart } from './support/helm.ts';
import { at, only, parseManifests, type Manifest } from './support/manifests.ts';
import { renderedGatehouseEnv } from './support/rendered-pod.ts';
import { rmSync } from 'node:fs';

const execFileAsync = promisify(execFile);
const LDAP = {
  url: 'ldaps://ldap.example.com',
  bindDn: 'cn=gatehouse,ou=services,dc=example,dc=com',
  existingSecret: 'gatehouse-ldap',
  caSecret: 'ldap-ca',
  baseDn: 'ou=people,dc=example,dc=com',
  groupBaseDn: 'ou=groups,dc=example,dc=com',
  requiredGroup: 'cn=eventstore-users,ou=groups,dc=example,dc=com',
};

const settings = (manifests: readonly Manifest[]): Record<string, string> => only(manifests, 'ConfigMap')['data'] as Record<string, string>;
const checkConfig = (env: Record<string, string>) => execFileAsync(process.execPath, [GATEHOUSE_MAIN, '--check-config'], { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '', ...env } });

describe('chart: ldap and htpasswd', () => {
  it('authProvider ldap: the source alone, no OpenID Provider, the bind password and CA as files, and --check-config accepts the pod', async () => {
    const manifests = parseManifests(await renderChart({ values: { authProvider: 'ldap', ldap: LDAP, basicAuth: { realm: 'EventStoreDB' }, backend: 'eventstore' } }));
    const env = settings(manifests);
    assert.equal(env.GATEHOUSE_IDENTITY_SOURCES, 'ldap');
    assert.equal(env.GATEHOUSE_AUTH_PROVIDER, undefined);
    assert.equal(env.GATEHOUSE_OIDC_ISSUER_URL, undefined);
    assert.equal(env.GATEHOUSE_LDAP_URL, LDAP.url);
    assert.equal(env.GATEHOUSE_LDAP_REQUIRED_GROUP, LDAP.requiredGroup);
    assert.equal(env.GATEHOUSE_BASIC_REALM, 'EventStoreDB');
    assert.equal(env.GATEHOUSE_BASIC_MAX_FAILURES_PER_USER, '5');
    const secrets = manifests.filter((m) => m.kind === 'Secret').flatMap((m) => Object.keys((m['data'] as Record<string, string>) ?? {}));
    assert.ok(!secrets.includes('client-secret'), 'no client secret without a provider');
    const certs = await createTestCertificates();
    try {
      const pod = renderedGatehouseEnv(manifests, { 'gatehouse-ldap': { 'bind-password': 'from-the-directory-admin' }, 'ldap-ca': { 'ca.crt': certs.caPem } });
      assert.match(pod.GATEHOUSE_LDAP_BIND_PASSWORD_FILE ?? '', /ldap-bind-password$/);
      assert.match(pod.GATEHOUSE_LDAP_CA_FILE ?? '', /ldap-ca\.crt$/);
      assert.match((await checkConfig(pod)).stdout, /configuration is valid/);
    } finally {
      rmSync(certs.dir, { recursive: true, force: true });
    }
  });

  it('ldap.enabled beside the browser sign-in: both sources, the provider kept', async () => {
    const manifests = parseManifests(await renderChart({ valuesFiles: ['chart/ci/default-values.yaml'], values: { ldap: { ...LDAP, enabled: true, caSecret: '' } } }));
    const env = settings(manifests);
    assert.equal(env.GATEHOUSE_IDENTITY_SOURCES, 'session,ldap');
    assert.equal(env.GATEHOUSE_AUTH_PROVIDER, 'login');
    assert.equal(env.GATEHOUSE_OIDC_ISSUER_URL, 'https://login.example.com/realms/main');
    assert.equal(env.GATEHOUSE_LDAP_URL, LDAP.url);
  });

  it('authProvider htpasswd: the file from an existing Secret; --check-config accepts bcrypt and refuses MD5-crypt with the command to re-hash', async () => {
    const manifests = parseManifests(await renderChart({ values: { authProvider: 'htpasswd', htpasswd: { existingSecret: 'gatehouse-htpasswd' }, config: { version: 1, htpasswd: { groups: { admins: ['alice'] } } } } }));
    assert.equal(settings(manifests).GATEHOUSE_IDENTITY_SOURCES, 'htpasswd');
    const file = (...args: string[]): string => execFileSync('htpasswd', ['-nb', ...args, 'alice', 'pw'], { encoding: 'utf8' });
    const good = renderedGatehouseEnv(manifests, { 'gatehouse-htpasswd': { htpasswd: file('-B') } });
    assert.match(good.GATEHOUSE_HTPASSWD_FILE ?? '', /\/htpasswd$/);
    assert.match((await checkConfig(good)).stdout, /configuration is valid/);
    const weak = renderedGatehouseEnv(manifests, { 'gatehouse-htpasswd': { htpasswd: file('-m') } });
    await assert.rejects(checkConfig(weak), (err: { stderr: string }) => /user "alice" uses MD5-crypt .*htpasswd -B <file> alice/.test(err.stderr));
  });

  it('NOTES.txt prints the Ingress wiring: auth-url without auth-signin, and Authorization among the answer headers', async () => {
    const notes = await renderNotes({ values: { authProvider: 'ldap', ldap: LDAP, basicAuth: { realm: 'EventStoreDB' } }, release: 'gatehouse', namespace: 'auth' });
    assert.match(notes, /nginx\.ingress\.kubernetes\.io\/auth-url: "http:\/\/gatehouse\.auth\.svc\.cluster\.local:4180\/oauth2\/auth"/);
    assert.match(notes, /auth-response-headers: "[^"]*, Authorization"/);
    assert.doesNotMatch(notes, /kubernetes\.io\/auth-signin/);
    assert.match(notes, /realm "EventStoreDB"/);
  });

  it('the NetworkPolicy lets the pod reach the directory, and nothing reaches a provider it does not have', async () => {
    const manifests = parseManifests(await renderChart({ values: { authProvider: 'ldap', ldap: LDAP, networkPolicy: { enabled: true, ldapPorts: [636] } } }));
    const egress = at(only(manifests, 'NetworkPolicy'), 'spec', 'egress') as Array<{ ports?: Array<{ port: number }> }>;
    const ports = egress.flatMap((rule) => (rule.ports ?? []).map((p) => p.port));
    assert.ok(ports.includes(636), JSON.stringify(egress));
    assert.ok(!ports.includes(443), 'no OpenID Provider egress');
  });

  it('refuses what cannot work, naming each value', async () => {
    const missing = await templateChart({ values: { authProvider: 'ldap' } });
    assert.notEqual(missing.code, 0);
    for (const key of ['url', 'bindDn', 'existingSecret', 'baseDn']) assert.match(missing.stderr, new RegExp(`ldap\\.${key} is required with the ldap source`));
    const plain = await templateChart({ values: { authProvider: 'ldap', ldap: { ...LDAP, url: 'ldap://ldap.example.com' } } });
    assert.match(plain.stderr, /clear text/);
    const both = await templateChart({ values: { authProvider: 'ldap', ldap: LDAP, htpasswd: { enabled: true, existingSecret: 'x' } } });
    assert.match(both.stderr, /use one of ldap and htpasswd/);
    const noFile = await templateChart({ values: { authProvider: 'htpasswd' } });
    assert.match(noFile.stderr, /htpasswd\.existingSecret is required/);
    const schema = await templateChart({ values: { authProvider: 'ldap', ldap: { ...LDAP, groupName: 'uid', userFilter: '(uid=alice)' }, basicAuth: { realm: 'say "hi"' } } });
    assert.notEqual(schema.code, 0);
    assert.match(schema.stderr, /groupName|userFilter|realm/);
  });
});

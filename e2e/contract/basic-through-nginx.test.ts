/**
 * LDAP logins through real nginx rendered as ingress-nginx renders auth-url without auth-signin,
 * as the EventStoreDB example (k8s-examples/eventstoredb-ldap.yaml) wires it: the client's 401
 * carries gatehouse's `WWW-Authenticate: Basic realm="…"`, a right login reaches the app with
 * `ES-TrustedAuth` and without the client's own Authorization header (listed in
 * auth-response-headers, which nginx sets from gatehouse's answer: none), and a login blocked
 * after too many failures is a 403 for the client, never nginx's 500.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_AUTH_RESPONSE_HEADERS } from '../nginx/ingresses.ts';
import { httpRequest } from '../support/http-client.ts';
import { BASE, GROUPS, startSlapd, USERS, type Slapd } from '../support/slapd.ts';
import { startStack, type Stack } from '../stack/start-stack.ts';

const basic = (login: string, password: string): string => `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
const seen = (body: string): Record<string, string> => (JSON.parse(body) as { headers: Record<string, string> }).headers;

describe('LDAP logins through nginx (auth-url without auth-signin)', () => {
  let slapd: Slapd;
  let stack: Stack;
  let dir: string;
  before(async () => {
    slapd = await startSlapd();
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-basic-nginx-'));
    const config = join(dir, 'gatehouse.yaml');
    writeFileSync(config, 'group_mappings:\n  admins: [$admins]\n  staff: [ops]\n');
    stack = await startStack({
      gatehouseEnv: {
        GATEHOUSE_IDENTITY_SOURCES: 'ldap',
        GATEHOUSE_LDAP_URL: slapd.url,
        GATEHOUSE_LDAP_START_TLS: 'true',
        GATEHOUSE_LDAP_CA_FILE: slapd.caFile,
        GATEHOUSE_LDAP_BIND_DN: USERS.service.dn,
        GATEHOUSE_LDAP_BIND_PASSWORD: USERS.service.password,
        GATEHOUSE_LDAP_BASE_DN: BASE,
        GATEHOUSE_LDAP_GROUP_BASE_DN: GROUPS,
        GATEHOUSE_LDAP_REQUIRED_GROUP: `cn=gatehouse-users,${GROUPS}`,
        GATEHOUSE_BASIC_REALM: 'EventStoreDB',
        GATEHOUSE_BASIC_MAX_FAILURES_PER_USER: '3',
        GATEHOUSE_CONFIG_FILE: config,
      },
      nginx: {
        ingresses: [{ name: 'eventstoredb-ldap', path: '/', authQuery: '?backend=eventstore', signin: 'none' }],
        responseHeaders: [...DEFAULT_AUTH_RESPONSE_HEADERS, 'ES-TrustedAuth'],
      },
    });
  });
  after(async () => {
    await stack?.stop();
    await slapd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (authorization?: string, extra: Record<string, string> = {}) =>
    httpRequest(`${stack.baseUrl}/streams/orders`, { headers: { accept: 'application/json', ...(authorization ? { authorization } : {}), ...extra } });

  it('without a login, and with a wrong one, the client gets 401 with the Basic challenge nginx passed on', async () => {
    for (const authorization of [undefined, basic('alice', 'wrong'), basic('*)(uid=*', 'x'), basic('alice', '')]) {
      const res = await get(authorization);
      assert.equal(res.status, 401, String(authorization));
      assert.equal(res.headers['www-authenticate'], 'Basic realm="EventStoreDB", charset="UTF-8"', String(authorization));
    }
  });

  it('a right login reaches EventStoreDB as the trusted header, and the client\'s Authorization and ES-TrustedAuth never do', async () => {
    const res = await get(basic('alice', USERS.alice.password), { 'es-trustedauth': 'admin; $admins' });
    assert.equal(res.status, 200);
    const headers = seen(res.body);
    assert.equal(headers['es-trustedauth'], 'alice; $admins, ops');
    assert.equal(headers.authorization, undefined, 'the password stops at nginx');
    assert.equal(headers['x-auth-request-user'], 'alice');
  });

  it('outside the required group: 401, even with the right password', async () => {
    assert.equal((await get(basic('bob', USERS.bob.password))).status, 401);
  });

  it('too many wrong passwords: the next attempt is a 403 for the client, not a 500', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await get(basic('jsmith', `guess-${i}`))).status, 401);
    const blocked = await get(basic('jsmith', USERS.jsmith.password));
    assert.equal(blocked.status, 403);
  });
});

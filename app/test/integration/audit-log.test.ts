/**
 * The audit log against a real OpenID Provider: sign-in and its failures, sign-out, back-channel
 * logout and its refusals, a refused refresh, cookie-key rotation, config reloads and rate-limit
 * hits each write one JSON line with the documented fields to GATEHOUSE_AUDIT_LOG, and no line
 * holds a token, a cookie, the client secret, a cookie key or an authorization code.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { signInOverHttp } from '../../../e2e/support/http-login.ts';
import { AUDIT_FIELDS } from '../../src/observability/audit-log.ts';
import { logoutAtProvider } from '../support/login-steps.ts';
import { startHarness, type Harness } from '../support/harness.ts';

describe('audit log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-audit-'));
  const auditFile = join(dir, 'audit.jsonl');
  const keyFile = join(dir, 'cookie-secret');
  const configFile = join(dir, 'config.yaml');
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');
  // Everything secret the run handles; none may appear in the audit log.
  const secrets: string[] = [oldKey, newKey];
  let h: Harness;

  before(async () => {
    writeFileSync(keyFile, `${oldKey}\n`);
    writeFileSync(configFile, 'group_mappings: { admins: [kibana_admin] }\n');
    h = await startHarness(
      { GATEHOUSE_AUDIT_LOG: auditFile, GATEHOUSE_COOKIE_SECRET: '', GATEHOUSE_COOKIE_SECRET_FILE: keyFile, GATEHOUSE_CONFIG_FILE: configFile, GATEHOUSE_CONFIG_RELOAD_INTERVAL: '0' },
      { keyFilePollMs: 50 },
    );
    secrets.push(h.server.deps.config.oidc?.clientSecret ?? 'missing client secret');
  });
  after(async () => {
    await h?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const lines = (): Array<Record<string, unknown>> =>
    readFileSync(auditFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  const last = (event: string): Record<string, unknown> | undefined => lines().filter((line) => line.event === event).at(-1);
  /** Remembers the tokens and cookie of a signed-in browser, so that the log can be searched for them. */
  const remember = async (cookieHeader: string): Promise<void> => {
    secrets.push(...cookieHeader.split(/;\s*/).map((pair) => pair.slice(pair.indexOf('=') + 1)));
    const resolved = await h.server.deps.sessions.resolve(cookieHeader);
    assert.equal(resolved.state, 'active');
    if (resolved.state !== 'active') return;
    const { idToken, accessToken, refreshToken } = resolved.record.tokens;
    secrets.push(idToken, ...[accessToken, refreshToken].filter((t): t is string => t !== undefined));
  };

  it('sign-in: a success names the user and the request; failures name their reason', async () => {
    const signedIn = await signInOverHttp(h.baseUrl, { login: 'alice', password: 'alice' });
    await remember(signedIn.cookieHeader);
    secrets.push(new URL(signedIn.finalUrl).searchParams.get('code') ?? '');
    const success = last('sign_in');
    assert.equal(success?.outcome, 'success');
    assert.equal(success?.user, 'alice');
    assert.equal(success?.sub, 'alice');
    assert.equal(success?.peer, '127.0.0.1');
    assert.match(String(success?.requestId), /.+/);

    const forged = await h.request('/oauth2/callback?state=forged-state&code=stolen-code', { headers: { 'x-forwarded-for': '203.0.113.7' } });
    assert.ok(forged.status >= 400);
    secrets.push('stolen-code', 'forged-state');
    assert.deepEqual(
      { outcome: last('sign_in')?.outcome, reason: last('sign_in')?.reason, forwardedFor: last('sign_in')?.forwardedFor },
      { outcome: 'failure', reason: 'state-unknown', forwardedFor: '203.0.113.7' },
    );
    await h.request('/oauth2/callback?error=access_denied&state=x');
    assert.equal(last('sign_in')?.reason, 'idp-error');
  });

  it('sign-out, everywhere: the user and how many sessions ended', async () => {
    const first = await h.signIn('carol');
    const second = await h.signIn('carol');
    await remember(first);
    await remember(second);
    await h.request('/oauth2/sign_out?everywhere=true', { headers: { cookie: first } });
    assert.deepEqual(
      { ...last('sign_out'), time: undefined, requestId: undefined },
      { time: undefined, requestId: undefined, service: 'gatehouse', stream: 'audit', event: 'sign_out', outcome: 'success', user: 'carol', sub: 'carol', peer: '127.0.0.1', sessionsEnded: 2, everywhere: true },
    );
  });

  it('back-channel logout: a success counts the sessions ended; a missing or invalid token is a failure with its reason', async () => {
    const signedIn = await signInOverHttp(h.baseUrl, { login: 'bob', password: 'bob' });
    await remember(signedIn.cookieHeader);
    await logoutAtProvider(signedIn.jar, h.idp.issuer);
    for (let i = 0; i < 100 && last('backchannel_logout')?.outcome !== 'success'; i++) await sleep(20);
    assert.equal(last('backchannel_logout')?.sessionsEnded, 1);
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } } as const;
    await h.request('/oauth2/backchannel_logout', { ...form, body: 'other=1' });
    assert.equal(last('backchannel_logout')?.reason, 'token_missing');
    await h.request('/oauth2/backchannel_logout', { ...form, body: 'logout_token=eyJhbGciOiJSUzI1NiJ9.e30.c2ln' });
    assert.equal(last('backchannel_logout')?.reason, 'token_invalid');
    secrets.push('eyJhbGciOiJSUzI1NiJ9.e30.c2ln');
  });

  it('a refresh the provider refuses: refresh_rejected names the user whose session ended', async () => {
    const cookie = await h.signIn('alice');
    await remember(cookie);
    const resolved = await h.server.deps.sessions.resolve(cookie);
    if (resolved.state !== 'active') throw new Error('not signed in');
    await h.server.deps.store.set(resolved.id, { ...resolved.record, tokens: { ...resolved.record.tokens, refreshToken: 'revoked-refresh-token' } }, 3_600_000);
    secrets.push('revoked-refresh-token');
    h.advance(250_000);
    assert.equal((await h.request('/oauth2/auth', { headers: { cookie } })).status, 401);
    assert.deepEqual([last('refresh_rejected')?.outcome, last('refresh_rejected')?.user, last('refresh_rejected')?.reason], ['failure', 'alice', 'refresh_token_refused']);
  });

  it('cookie-key rotation and config reloads, applied and refused', async () => {
    writeFileSync(keyFile, `${newKey},${oldKey}\n`);
    for (let i = 0; i < 100 && last('key_rotation') === undefined; i++) await sleep(20);
    assert.deepEqual([last('key_rotation')?.outcome, last('key_rotation')?.keys], ['success', 2]);
    writeFileSync(keyFile, 'not a key\n');
    for (let i = 0; i < 100 && last('key_rotation')?.outcome !== 'failure'; i++) await sleep(20);
    assert.equal(last('key_rotation')?.reason, 'invalid');

    writeFileSync(configFile, 'group_mappings: { admins: [kibana_admin, superuser] }\n');
    h.server.deps.identity.reload('SIGHUP');
    assert.deepEqual([last('config_reload')?.outcome, last('config_reload')?.trigger], ['success', 'SIGHUP']);
    writeFileSync(configFile, 'group_mappings: [not, a, mapping]\n');
    h.server.deps.identity.reload('SIGHUP');
    assert.deepEqual([last('config_reload')?.outcome, last('config_reload')?.reason], ['failure', 'invalid']);
  });

  it('rate-limit hits reported through deps.audit are written, a flood summed', async () => {
    for (let i = 0; i < 5; i++) h.server.deps.audit.rateLimited({ route: '/oauth2/start', limit: 'per-client', peer: '198.51.100.4' });
    assert.equal(lines().filter((line) => line.event === 'rate_limited').length, 1);
    await h.stop();
    const summed = lines().filter((line) => line.event === 'rate_limited');
    assert.deepEqual(summed.map((line) => line.hits), [1, 4], 'the rest summed when the log is closed');
  });

  it('every line has only documented fields, and no line holds a token, cookie, key, code or secret', () => {
    const all = lines();
    assert.ok(all.length >= 12, `${all.length} lines`);
    for (const line of all) {
      for (const name of Object.keys(line)) assert.ok(AUDIT_FIELDS.includes(name), `undocumented field ${name}`);
      assert.equal(line.stream, 'audit');
    }
    const text = readFileSync(auditFile, 'utf8');
    for (const secret of secrets.filter((s) => s.length >= 8)) assert.ok(!text.includes(secret), `the audit log holds ${secret.slice(0, 12)}…`);
  });
});

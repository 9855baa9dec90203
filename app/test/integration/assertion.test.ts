/**
 * Signed identity assertions against a running gatehouse: an upstream verifies X-Gatehouse-Assertion
 * with jose against /.well-known/jwks.json (createRemoteJWKSet + jwtVerify, as the README shows),
 * through auth_request, forward-auth and sidecar mode; a client's copy never passes; rotating the
 * key file keeps earlier assertions verifiable; and with the feature off nothing of it exists.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startAssertionApp, type AssertionApp } from '../../../e2e/upstream/assertion-app.ts';
import { startHarness, type Harness } from '../support/harness.ts';

const pem = (): string => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const nginx = (host: string, method = 'GET'): Record<string, string> => ({ 'x-original-url': `https://${host}/reports?q=1`, 'x-original-method': method, 'x-real-ip': '198.51.100.7' });
const forwarded = (host: string): Record<string, string> => ({ 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', 'x-forwarded-host': host, 'x-forwarded-uri': '/', 'x-forwarded-for': '198.51.100.7' });

describe('signed identity assertions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-assertion-'));
  const keyFile = join(dir, 'keys.pem');
  let h: Harness;
  let app: AssertionApp;
  let alice: string;
  before(async () => {
    writeFileSync(keyFile, pem());
    h = await startHarness({ GATEHOUSE_ASSERTION: 'on', GATEHOUSE_ASSERTION_KEY_FILE: keyFile, GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.1/32' }, { keyFilePollMs: 50 });
    app = await startAssertionApp(() => ({ jwksUrl: `${h.baseUrl}/.well-known/jwks.json`, issuer: h.baseUrl, audience: 'app.example.com' }));
    alice = await h.signIn('alice');
  });
  after(async () => {
    await app.close();
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an upstream verifies the assertion of an auth_request 200 and learns who, with which groups, for which request', async () => {
    const res = await h.request('/oauth2/auth?allowed_groups=admins', { headers: { ...nginx('app.example.com', 'POST'), cookie: alice } });
    assert.equal(res.status, 200);
    const payload = await app.verify(res.headers['x-gatehouse-assertion']);
    assert.equal(payload.sub, 'alice');
    assert.equal(payload.iss, h.baseUrl, 'the sign-in origin by default');
    assert.ok((payload.groups as string[]).includes('admins'));
    assert.ok(Array.isArray(payload.roles));
    assert.deepEqual([payload.method, payload.host], ['POST', 'app.example.com']);
    assert.equal((payload.exp as number) - (payload.iat as number), 60);
    const jwks = await h.request('/.well-known/jwks.json');
    assert.equal(jwks.headers['cache-control'], 'public, max-age=60');
    assert.deepEqual((JSON.parse(jwks.body) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid), [decodeProtectedHeader(String(res.headers['x-gatehouse-assertion'])).kid]);
  });

  it('an assertion for one app does not pass at another, and none is given without an allow', async () => {
    const other = await h.request('/oauth2/auth', { headers: { ...nginx('other.example.com'), cookie: alice } });
    await assert.rejects(app.verify(other.headers['x-gatehouse-assertion']), /aud/);
    const named = await h.request('/oauth2/auth?assertion_audience=app.example.com', { headers: { ...nginx('other.example.com'), cookie: alice } });
    assert.equal((await app.verify(named.headers['x-gatehouse-assertion'])).host, 'other.example.com', "the route's assertion_audience names the app");
    const denied = await h.request('/oauth2/auth?allowed_groups=nobody', { headers: { ...nginx('app.example.com'), cookie: alice } });
    const anonymous = await h.request('/oauth2/auth', { headers: nginx('app.example.com') });
    assert.deepEqual([denied.status, anonymous.status], [403, 401]);
    assert.equal(denied.headers['x-gatehouse-assertion'], undefined);
    assert.equal(anonymous.headers['x-gatehouse-assertion'], undefined);
  });

  it("forward-auth answers gatehouse's assertion in place of a client's forged copy", async () => {
    const forged = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.';
    const res = await h.request('/oauth2/forward-auth', { headers: { ...forwarded('app.example.com'), 'x-gatehouse-assertion': forged, cookie: alice } });
    assert.equal(res.status, 200);
    assert.notEqual(res.headers['x-gatehouse-assertion'], forged);
    assert.equal((await app.verify(res.headers['x-gatehouse-assertion'])).sub, 'alice');
    await assert.rejects(app.verify(forged));
  });

  it('the same assertion is reused for repeated checks, and a rotated key file keeps earlier ones verifiable', async () => {
    const first = String((await h.request('/oauth2/auth', { headers: { ...nginx('app.example.com'), cookie: alice } })).headers['x-gatehouse-assertion']);
    const again = String((await h.request('/oauth2/auth', { headers: { ...nginx('app.example.com'), cookie: alice } })).headers['x-gatehouse-assertion']);
    assert.equal(again, first, 'signed once, not per request');
    writeFileSync(keyFile, pem());
    let rotated = first;
    for (let i = 0; i < 100 && rotated === first; i++) {
      await sleep(50);
      rotated = String((await h.request('/oauth2/auth', { headers: { ...nginx('app.example.com'), cookie: alice } })).headers['x-gatehouse-assertion']);
    }
    assert.notEqual(decodeProtectedHeader(rotated).kid, decodeProtectedHeader(first).kid, 'the new key signs');
    // An upstream that fetched the keys before the rotation meets a new key id and fetches again;
    // one fetching now still finds the old key beside the new one.
    const late = await startAssertionApp(() => ({ jwksUrl: `${h.baseUrl}/.well-known/jwks.json`, issuer: h.baseUrl, audience: 'app.example.com' }));
    try {
      assert.equal((await late.verify(first)).sub, 'alice', 'the old key is still published');
      assert.equal((await late.verify(rotated)).sub, 'alice');
    } finally {
      await late.close();
    }
    assert.ok((decodeJwt(first).exp as number) * 1000 > Date.now());
  });
});

describe('signed identity assertions in sidecar mode', () => {
  let h: Harness;
  let app: AssertionApp;
  before(async () => {
    app = await startAssertionApp(() => ({ jwksUrl: `${h.baseUrl}/.well-known/jwks.json`, issuer: h.baseUrl, audience: new URL(h.baseUrl).host }));
    h = await startHarness({ GATEHOUSE_ASSERTION: 'on', GATEHOUSE_UPSTREAM: `http://127.0.0.1:${app.port}` });
  });
  after(async () => {
    await h.stop();
    await app.close();
  });

  it('the app behind the sidecar verifies the assertion against the keys on the sidecar\'s own port; a client copy never reaches it', async () => {
    const jwks = await h.request('/.well-known/jwks.json');
    assert.equal(jwks.status, 200, 'gatehouse answers the JWKS path itself, not the app');
    const cookie = await h.signIn('alice');
    const res = await h.request('/reports', { headers: { cookie, 'x-gatehouse-assertion': 'forged' } });
    assert.equal(res.status, 200, res.body);
    const claims = JSON.parse(res.body) as Record<string, unknown>;
    assert.deepEqual([claims.sub, claims.method, claims.host], ['alice', 'GET', new URL(h.baseUrl).host]);
  });
});

describe('signed identity assertions off (the default)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({});
  });
  after(() => h.stop());

  it('no assertion on an allow and no JWKS', async () => {
    const cookie = await h.signIn('alice');
    const res = await h.request('/oauth2/auth', { headers: { ...nginx('app.example.com'), cookie } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-gatehouse-assertion'], undefined);
    assert.equal((await h.request('/.well-known/jwks.json')).status, 404);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../config/load-config.ts';
import { createMemoryStore } from './memory-store.ts';
import { createSealer } from './seal.ts';
import { isLegacySessionId } from './session-id.ts';
import { createSessions } from './sessions.ts';
import { legacySessionId } from './store.contract.ts';
import type { Identity, SessionTokens } from './session-record.ts';

const env = {
  GATEHOUSE_OIDC_ISSUER_URL: 'https://login.example.com',
  GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
  GATEHOUSE_OIDC_CLIENT_SECRET: 's',
  GATEHOUSE_REDIRECT_URL: 'https://app.example.com/oauth2/callback',
  GATEHOUSE_COOKIE_SECRET: Buffer.alloc(32, 5).toString('base64'),
};
const identity: Identity = {
  sub: 'alice',
  user: 'alice',
  email: 'a@example.com',
  groups: ['g'],
  preferredUsername: 'al',
  name: 'Alice',
  dn: undefined,
  claims: {},
};
const tokens: SessionTokens = { idToken: 'id', accessToken: 'at', refreshToken: 'rt', accessTokenExpiresAt: undefined };

function setup(extra: Record<string, string> = {}) {
  const config = loadConfig({ ...env, ...extra });
  const store = createMemoryStore({ maxEntries: 10 });
  return { sessions: createSessions(config, store, createSealer(config.cookie.keys)), store };
}

test('the session cookie is small, opaque, __Host-, Secure, HttpOnly and SameSite=Lax', async () => {
  const { sessions, store } = setup();
  const { setCookie, id } = await sessions.create(identity, tokens, 'sid-1');
  assert.match(setCookie, /^__Host-gatehouse=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=86400; Secure$/);
  assert.ok(setCookie.length < 200, `${setCookie.length} bytes`);
  assert.ok(!setCookie.includes(id) && !setCookie.includes('alice'), 'nothing readable in the cookie');
  const cookie = setCookie.split(';')[0] ?? '';
  const resolved = await sessions.resolve(cookie);
  assert.equal(resolved.state, 'active');
  await store.close();
});

test('a cookie domain drops the prefix and sets Domain', async () => {
  const { sessions, store } = setup({ GATEHOUSE_COOKIE_DOMAIN: '.example.com' });
  const { setCookie } = await sessions.create(identity, tokens, undefined);
  assert.match(setCookie, /^gatehouse=[\w-]+; .*; Domain=\.example\.com; Secure$/);
  await store.close();
});

test('resolve: missing, invalid (not ours) and expired (ended) are told apart', async () => {
  const { sessions, store } = setup();
  const { setCookie, id } = await sessions.create(identity, tokens, undefined);
  const cookie = setCookie.split(';')[0] ?? '';
  assert.equal((await sessions.resolve(undefined)).state, 'missing');
  assert.equal((await sessions.resolve('__Host-gatehouse=forged')).state, 'invalid');
  assert.equal((await sessions.resolve(`__Host-gatehouse=forged; ${cookie}`)).state, 'active', 'a planted duplicate does not hide the real one');
  await sessions.end(id);
  assert.equal((await sessions.resolve(cookie)).state, 'expired');
  assert.match(sessions.clearSetCookie, /^__Host-gatehouse=; .*Max-Age=0; Secure$/);
  await store.close();
});

test('every sign-in gets a fresh id of 128 random bits, told apart from the ids of earlier versions', async () => {
  const { sessions, store } = setup();
  const a = await sessions.create(identity, tokens, undefined);
  const b = await sessions.create(identity, tokens, undefined);
  assert.notEqual(a.id, b.id);
  assert.notEqual(a.setCookie, b.setCookie);
  assert.match(a.id, /^[\w-]{22}$/);
  assert.equal(Buffer.from(a.id, 'base64url').length, 16);
  assert.ok(!isLegacySessionId(a.id) && isLegacySessionId(legacySessionId()));
  await store.close();
});

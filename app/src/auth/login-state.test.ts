import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../errors.ts';
import { createMemoryStore } from '../session/memory-store.ts';
import { createSealer } from '../session/seal.ts';
import { createLoginState } from './login-state.ts';

function setup() {
  let clock = 1_000_000;
  const store = createMemoryStore({ maxEntries: 10, now: () => clock });
  const login = createLoginState(store, createSealer([Buffer.alloc(32, 3)]), {
    cookieName: 'gh',
    domain: undefined,
    secure: true,
    timeoutMs: 600_000,
    now: () => clock,
  });
  return { login, store, advance: (ms: number) => void (clock += ms) };
}

const cookieOf = (setCookie: string): string => setCookie.split(';')[0] ?? '';
const isUnknownState = (err: unknown): boolean => err instanceof AppError && err.code === 'LOGIN_STATE_UNKNOWN';

test('a state completes once in the browser that started it, then never again', async () => {
  const { login, store } = setup();
  const started = await login.begin('/back');
  assert.match(started.setCookie, /^gh_login_[\w-]{16}=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/);
  const cookie = cookieOf(started.setCookie);
  const done = await login.complete(started.checks.state, cookie);
  assert.deepEqual(done.checks, started.checks);
  assert.equal(done.rd, '/back');
  await assert.rejects(login.complete(started.checks.state, cookie), isUnknownState);
  await store.close();
});

test('several sign-ins in parallel keep their own state', async () => {
  const { login, store } = setup();
  const a = await login.begin('/a');
  const b = await login.begin('/b');
  const jar = `${cookieOf(a.setCookie)}; ${cookieOf(b.setCookie)}`;
  assert.equal((await login.complete(b.checks.state, jar)).rd, '/b');
  assert.equal((await login.complete(a.checks.state, jar)).rd, '/a');
  await store.close();
});

test('refuses unknown, foreign, tampered, expired and malformed states', async () => {
  const { login, store, advance } = setup();
  const a = await login.begin('/a');
  const b = await login.begin('/b');
  const cookieA = cookieOf(a.setCookie);
  for (const [state, cookie] of [
    ['nope', cookieA],
    [b.checks.state, cookieA],
    [a.checks.state, undefined],
    [a.checks.state, `${cookieA.slice(0, -3)}xyz`],
    [undefined, cookieA],
    ['', cookieA],
    ['x'.repeat(600), cookieA],
  ] as const) {
    await assert.rejects(login.complete(state, cookie), isUnknownState, `${String(state).slice(0, 20)} / ${cookie?.slice(0, 20)}`);
  }
  advance(601_000);
  await assert.rejects(login.complete(a.checks.state, cookieA), isUnknownState);
  await store.close();
});

test("a sign-in Elasticsearch's realm prepared is bound to the browser and usable once, like gatehouse's own", async () => {
  const { login, store } = setup();
  const prepared = { state: '4dbrihtIAt3wBTwo6DxK-vdk-sSyDBV8Yf0AjdkdT5I', nonce: 'WaBPH0KqPVdG5HHdSxPRjfoZbXMCicm5v1OiAj0DUFM', realm: 'oidc1' };
  const setCookie = await login.adopt(prepared, '/kibana');
  assert.match(setCookie, /^gh_login_4dbrihtIAt3wBTwo=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/);
  const other = await login.begin('/elsewhere');
  await assert.rejects(login.complete(prepared.state, cookieOf(other.setCookie)), isUnknownState, 'another sign-in cookie does not carry it');
  const done = await login.complete(prepared.state, cookieOf(setCookie));
  assert.deepEqual([done.checks.state, done.checks.nonce, done.checks.codeVerifier, done.rd, done.realm], [prepared.state, prepared.nonce, '', '/kibana', 'oidc1']);
  await assert.rejects(login.complete(prepared.state, cookieOf(setCookie)), isUnknownState, 'and only once');
  assert.equal((await login.complete(other.checks.state, cookieOf(other.setCookie))).realm, undefined);
  for (const state of ['short', 'has space in it 0123456789', 'semi;colon0123456789', 'x'.repeat(513)]) {
    await assert.rejects(login.adopt({ ...prepared, state }, '/'), /base64url/, state);
  }
  await store.close();
});

test('the provider and the redirect_uri of a sign-in come back sealed with its state', async () => {
  const { login, store } = setup();
  const started = await login.begin('/x', { provider: 'partners', redirectUri: 'https://app1.example.com/oauth2/callback' });
  const done = await login.complete(started.checks.state, cookieOf(started.setCookie));
  assert.deepEqual(done.target, { provider: 'partners', redirectUri: 'https://app1.example.com/oauth2/callback' });
  const plain = await login.begin('/y');
  assert.deepEqual((await login.complete(plain.checks.state, cookieOf(plain.setCookie))).target, { provider: undefined, redirectUri: undefined });
  await store.close();
});

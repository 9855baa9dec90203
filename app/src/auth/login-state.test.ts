import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../errors.ts';
import { createMemoryStore } from '../session/memory-store.ts';
import { createSealer } from '../session/seal.ts';
import { createLoginState } from './login-state.ts';

function setup(bounds: { maxPerBrowser?: number; maxOnceValues?: number } = {}) {
  let clock = 1_000_000;
  const store = createMemoryStore({ maxEntries: 10, maxOnceValues: bounds.maxOnceValues, now: () => clock });
  const login = createLoginState(store, createSealer([Buffer.alloc(32, 3)]), {
    cookieName: 'gh',
    domain: undefined,
    secure: true,
    timeoutMs: 600_000,
    now: () => clock,
    maxPerBrowser: bounds.maxPerBrowser ?? 10,
  });
  return { login, store, advance: (ms: number) => void (clock += ms) };
}

/** The name=value of a Set-Cookie; of a started sign-in, its own cookie (the last one). */
const cookieOf = (setCookie: string | readonly string[]): string => (typeof setCookie === 'string' ? setCookie : (setCookie.at(-1) ?? '')).split(';')[0] ?? '';
const isUnknownState = (err: unknown): boolean => err instanceof AppError && err.code === 'LOGIN_STATE_UNKNOWN';

test('a state completes once in the browser that started it, then never again', async () => {
  const { login, store } = setup();
  const started = await login.begin('/back');
  assert.equal(started.setCookies.length, 1, 'nothing to drop');
  assert.match(started.setCookies.at(-1) ?? '', /^gh_login_[\w-]{16}=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/);
  const cookie = cookieOf(started.setCookies);
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
  const jar = `${cookieOf(a.setCookies)}; ${cookieOf(b.setCookies)}`;
  assert.equal((await login.complete(b.checks.state, jar)).rd, '/b');
  assert.equal((await login.complete(a.checks.state, jar)).rd, '/a');
  await store.close();
});

test('refuses unknown, foreign, tampered, expired and malformed states', async () => {
  const { login, store, advance } = setup();
  const a = await login.begin('/a');
  const b = await login.begin('/b');
  const cookieA = cookieOf(a.setCookies);
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
  assert.equal(setCookie.length, 1);
  assert.match(setCookie[0] ?? '', /^gh_login_4dbrihtIAt3wBTwo=[\w-]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600; Secure$/);
  const other = await login.begin('/elsewhere');
  await assert.rejects(login.complete(prepared.state, cookieOf(other.setCookies)), isUnknownState, 'another sign-in cookie does not carry it');
  const done = await login.complete(prepared.state, cookieOf(setCookie));
  assert.deepEqual([done.checks.state, done.checks.nonce, done.checks.codeVerifier, done.rd, done.realm], [prepared.state, prepared.nonce, '', '/kibana', 'oidc1']);
  await assert.rejects(login.complete(prepared.state, cookieOf(setCookie)), isUnknownState, 'and only once');
  assert.equal((await login.complete(other.checks.state, cookieOf(other.setCookies))).realm, undefined);
  for (const state of ['short', 'has space in it 0123456789', 'semi;colon0123456789', 'x'.repeat(513)]) {
    await assert.rejects(login.adopt({ ...prepared, state }, '/'), /base64url/, state);
  }
  await store.close();
});

test('the provider and the redirect_uri of a sign-in come back sealed with its state', async () => {
  const { login, store } = setup();
  const started = await login.begin('/x', { provider: 'partners', redirectUri: 'https://app1.example.com/oauth2/callback' });
  const done = await login.complete(started.checks.state, cookieOf(started.setCookies));
  assert.deepEqual(done.target, { provider: 'partners', redirectUri: 'https://app1.example.com/oauth2/callback' });
  const plain = await login.begin('/y');
  assert.deepEqual((await login.complete(plain.checks.state, cookieOf(plain.setCookies))).target, { provider: undefined, redirectUri: undefined });
  await store.close();
});

/** A browser's cookies for one host: Set-Cookie applied as a browser would (Max-Age=0 deletes). */
function browser() {
  const jar = new Map<string, string>();
  return {
    apply(setCookies: readonly string[]): void {
      for (const setCookie of setCookies) {
        const [pair = ''] = setCookie.split(';');
        const eq = pair.indexOf('=');
        if (/Max-Age=0(;|$)/.test(setCookie)) jar.delete(pair.slice(0, eq));
        else jar.set(pair.slice(0, eq), pair.slice(eq + 1));
      }
    },
    header: (): string => [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
    logins: (): number => [...jar.keys()].filter((name) => name.startsWith('gh_login_')).length,
  };
}

test('one browser holds at most maxPerBrowser sign-ins: a new one drops the oldest, cookie and marker, and the newest completes', async () => {
  const { login, store, advance } = setup({ maxPerBrowser: 3 });
  const tabs = browser();
  const started = [];
  for (let i = 0; i < 6; i++) {
    advance(1_000);
    const next = await login.begin(`/tab-${i}`, undefined, tabs.header());
    tabs.apply(next.setCookies);
    started.push(next);
    assert.ok(tabs.logins() <= 3, `${tabs.logins()} login cookies after ${i + 1} sign-ins`);
    assert.equal(next.setCookies.length, i < 3 ? 1 : 2, 'beyond the bound, one cookie dropped per new sign-in');
  }
  for (const [i, old] of started.slice(0, 3).entries()) {
    await assert.rejects(login.complete(old.checks.state, cookieOf(old.setCookies)), isUnknownState, `tab ${i}: its marker went with its cookie`);
  }
  assert.equal((await login.complete(started[5]?.checks.state, tabs.header())).rd, '/tab-5');
  assert.equal((await login.complete(started[3]?.checks.state, tabs.header())).rd, '/tab-3');
  await store.close();
});

test('a login cookie that does not open is dropped first; one name sent twice counts once', async () => {
  const { login, store, advance } = setup({ maxPerBrowser: 2 });
  const first = await login.begin('/first');
  advance(1_000);
  const header = `gh_login_AAAAAAAAAAAAAAAA=not-sealed-by-us; ${cookieOf(first.setCookies)}; ${cookieOf(first.setCookies)}`;
  const next = await login.begin('/next', undefined, header);
  assert.equal(next.setCookies.length, 2);
  assert.match(next.setCookies[0] ?? '', /^gh_login_AAAAAAAAAAAAAAAA=; .*Max-Age=0/);
  assert.equal((await login.complete(first.checks.state, cookieOf(first.setCookies))).rd, '/first', 'the real one was kept');
  await store.close();
});

test('many browsers: the memory store keeps at most its bound of sign-ins in progress, the newest', async () => {
  const { login, store } = setup({ maxOnceValues: 5 });
  const started = [];
  for (let i = 0; i < 50; i++) started.push(await login.begin(`/b-${i}`));
  const completed = [];
  for (const [i, s] of started.entries()) {
    if (await login.complete(s.checks.state, cookieOf(s.setCookies)).then(() => true, () => false)) completed.push(i);
  }
  assert.deepEqual(completed, [45, 46, 47, 48, 49]);
  await store.close();
});

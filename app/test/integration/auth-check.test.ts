/**
 * /oauth2/auth against a real OpenID Provider: the status semantics and inputs of the ingress
 * auth-url contract (statements A1–A5, B7–B12, C13–C18), bad input, and the hot-path log line.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StoreUnavailableError } from '../../src/session/store.ts';
import { startHarness, type Harness } from '../support/harness.ts';

// The headers nginx's auth subrequest adds (ingress-nginx template), for realism.
const SUBREQUEST = {
  'x-original-url': 'http://app.localtest:8080/page?q=1',
  'x-original-method': 'GET',
  'x-sent-from': 'nginx-ingress-controller',
  'x-real-ip': '127.0.0.1',
  'x-forwarded-for': '127.0.0.1',
  'x-auth-request-redirect': '/page?q=1',
  'x-request-id': 'req-123',
};

describe('/oauth2/auth', () => {
  let h: Harness;
  let alice: string;
  let bob: string;
  let mallory: string;
  before(async () => {
    h = await startHarness();
    [alice, bob, mallory] = [await h.signIn('alice'), await h.signIn('bob'), await h.signIn('mallory')];
  });
  after(() => h.stop());

  const check = (query: string, headers: Record<string, string> = {}) =>
    h.request(`/oauth2/auth${query}`, { headers: { ...SUBREQUEST, ...headers } });

  it('A1/C13: 200 with each identity header once, groups comma-joined, no body needed', async () => {
    const res = await check('', { cookie: alice });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-auth-request-user'], 'alice');
    assert.equal(res.headers['x-auth-request-email'], 'alice@example.com');
    assert.equal(res.headers['x-auth-request-groups'], 'admins,devs');
    assert.equal(res.headers['x-auth-request-preferred-username'], 'alice');
    assert.equal(res.headers['authorization'], undefined, 'no Authorization unless configured (C15)');
    assert.equal(res.headers['set-cookie'], undefined, 'the cookie never changes on a check');
  });

  it('A2: 401 with no-store, never a redirect, for missing, malformed and tampered cookies', async () => {
    const sealed = /gatehouse=([^;]+)/.exec(alice)?.[1] ?? '';
    const tampered = `${sealed.slice(0, 10)}${sealed[10] === 'A' ? 'B' : 'A'}${sealed.slice(11)}`;
    for (const cookie of [undefined, '', 'gatehouse=', 'gatehouse=%%%', 'gatehouse=x; gatehouse=y', `gatehouse=${tampered}`, `gatehouse=${'A'.repeat(9000)}`, 'other=1']) {
      const res = await check('', cookie === undefined ? {} : { cookie });
      assert.equal(res.status, 401, String(cookie).slice(0, 40));
      assert.equal(res.headers['cache-control'], 'no-store');
      assert.equal(res.headers.location, undefined);
      assert.equal(res.headers['x-auth-request-user'], undefined);
    }
  });

  it('a 401 names the sign-in URL with the original URL as rd, only ever to an allowed host', async () => {
    const signin = `${h.baseUrl}/oauth2/start`;
    const res = await check('');
    assert.equal(res.status, 401);
    assert.equal(res.headers['x-gatehouse-signin'], `${signin}?rd=${encodeURIComponent('http://app.localtest:8080/page?q=1')}`);
    const cases: Array<[string | undefined, string]> = [
      ['http://evil.example.net/page', '/'],
      ['http://app.localtest.evil.net/x', '/'],
      ['http://app.localtest:8080/oauth2/sign_out', '/'],
      [`${h.baseUrl}/deep/link?a=1`, '/deep/link?a=1'],
      ['javascript:alert(1)', '/'],
      ['not a url', '/'],
      [undefined, '/'],
    ];
    for (const [original, rd] of cases) {
      const headers: Record<string, string> = original === undefined ? {} : { 'x-original-url': original };
      const answer = await h.request('/oauth2/auth', { headers });
      assert.equal(answer.status, 401, String(original));
      const named = String(answer.headers['x-gatehouse-signin']);
      const expected = original === undefined || original === 'not a url' || original.startsWith('javascript:') ? signin : `${signin}?rd=${encodeURIComponent(rd)}`;
      assert.equal(named, expected, String(original));
    }
    const signedIn = await check('', { cookie: alice });
    assert.equal(signedIn.headers['x-gatehouse-signin'], undefined, 'only a 401 carries it');
  });

  it('the path form /oauth2/auth-route/<query> carries the route policy where a query cannot be written', async () => {
    assert.equal((await h.request('/oauth2/auth-route/allowed_groups=admins', { headers: { ...SUBREQUEST, cookie: bob } })).status, 403);
    assert.equal((await h.request('/oauth2/auth-route/allowed_groups=admins', { headers: { ...SUBREQUEST, cookie: alice } })).status, 200);
    assert.equal((await h.request('/oauth2/auth-route/allowed_groups=admins?allowed_groups=devs', { headers: { ...SUBREQUEST, cookie: alice } })).status, 200, 'the segment is the policy, never a query after it');
    assert.equal((await h.request('/oauth2/auth-route/allowed_group=admins', { headers: { ...SUBREQUEST, cookie: alice } })).status, 500, 'a typo fails closed');
    assert.equal((await h.request('/oauth2/auth-route/', { headers: SUBREQUEST })).status, 401);
  });

  it('A3: 403 (never 401) with no-store when signed in but outside the policy', async () => {
    const res = await check('?allowed_groups=admins', { cookie: bob });
    assert.equal(res.status, 403);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers['x-auth-request-user'], undefined);
    assert.equal((await check('?allowed_groups=admins', { cookie: alice })).status, 200);
  });

  it('B8: the query policy reads only the first value of a repeated key, never merged', async () => {
    assert.equal((await check('?allowed_groups=admins&allowed_groups=devs', { cookie: bob })).status, 403);
    assert.equal((await check('?allowed_emails=bob@example.com', { cookie: bob })).status, 200);
    assert.equal((await check('?allowed_email_domains=example.org', { cookie: bob })).status, 403);
    assert.equal((await check('?allowed_groups=devs&allowed_email_domains=example.com', { cookie: alice })).status, 200);
  });

  it('fails closed with 500 on a malformed or unknown policy parameter', async () => {
    for (const query of ['?allowed_group=admins', '?allowed_groups=%E0%A4%A', '?rd=/x']) {
      const res = await check(query, { cookie: alice });
      assert.equal(res.status, 500, query);
      assert.equal(res.headers['x-auth-request-user'], undefined);
    }
  });

  it('A5: the same answer whatever method nginx used and X-Original-Method says', async () => {
    for (const method of ['GET', 'HEAD', 'POST']) {
      const res = await h.request('/oauth2/auth?allowed_groups=admins', {
        method,
        headers: { ...SUBREQUEST, 'x-original-method': 'DELETE', cookie: bob },
      });
      assert.equal(res.status, 403, method);
    }
  });

  it('B9/B10/B12: X-Forwarded-*, X-Request-ID, X-Original-URL and Host change no decision', async () => {
    const spoof = {
      'x-forwarded-host': 'evil.example',
      'x-forwarded-uri': '/admin',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      'x-request-id': 'admin',
      'x-original-url': 'http://app.localtest:8080@evil.example/../oauth2/x',
      host: 'evil.example',
    };
    assert.equal((await check('?allowed_groups=admins', { ...spoof, cookie: bob })).status, 403);
    assert.equal((await check('', spoof)).status, 401);
    assert.equal((await check('', { ...spoof, cookie: alice })).status, 200);
  });

  it('B11: accepts 32 KiB of request headers (three 7 KB Cookie lines and more)', async () => {
    const big = `a=${'x'.repeat(7000)}; b=${'y'.repeat(7000)}; c=${'z'.repeat(7000)}; d=${'w'.repeat(7000)}`;
    assert.equal((await check('', { cookie: `${big}; ${alice}` })).status, 200);
    assert.equal((await check('', { cookie: big })).status, 401);
  });

  it('C13/C14: a header with no value is left out, and request headers are never echoed', async () => {
    const res = await check('', { cookie: bob, 'x-auth-request-groups': 'admins', 'x-auth-request-email': 'x@evil' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-auth-request-groups'], 'devs');
    assert.equal(res.headers['x-auth-request-email'], 'bob@example.com');
    const carol = await h.signIn('carol');
    const res2 = await check('', { cookie: carol });
    assert.equal(res2.status, 200);
    assert.equal(res2.headers['x-auth-request-groups'], undefined, 'carol has no groups: header omitted');
  });

  it('a claim holding CR/LF denies with 403 and a logged reason; nothing reaches a header', async () => {
    const res = await check('', { cookie: mallory });
    assert.equal(res.status, 403);
    assert.equal(res.headers['x-injected'], undefined);
    assert.equal(res.headers['x-auth-request-preferred-username'], undefined);
    h.server.deps.checkLog.flush();
    const line = h.logs.find((l) => l.msg === 'auth check' && l.user === 'mallory');
    assert.deepEqual(line?.reasons, ['claim-control-character']);
  });

  it('logs one line per check with decision and reasons, and never a cookie or token', async () => {
    const before = h.logs.length;
    await check('?allowed_groups=admins', { cookie: bob });
    h.server.deps.checkLog.flush();
    const lines = h.logs.slice(before).filter((l) => l.msg === 'auth check');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.result, 'deny');
    assert.deepEqual(lines[0]?.reasons, ['group-unauthorized']);
    assert.equal(lines[0]?.requestId, 'req-123');
    const all = JSON.stringify(h.logs);
    for (const secret of [/gatehouse=([^;]+)/.exec(bob)?.[1] ?? 'none', 'eyJ']) assert.ok(!all.includes(secret), secret);
  });
  it('A4: fails closed with a fast 503 when the session store cannot be read, never a 200', async () => {
    const store = h.server.deps.store;
    const realGet = store.get;
    const realRead = store.read;
    // A store that cannot be read, on both ways in: get, and read (the memory store's same-turn read).
    store.get = async () => {
      throw new StoreUnavailableError('store down');
    };
    if (realRead) {
      store.read = () => {
        throw new StoreUnavailableError('store down');
      };
    }
    try {
      const res = await check('', { cookie: alice });
      assert.equal(res.status, 503);
      assert.equal(res.headers['x-auth-request-user'], undefined);
      assert.equal(res.headers['cache-control'], 'no-store');
      const ready = await h.request('/readyz');
      assert.equal(ready.status, 200, 'readiness pings the store, which answers');
    } finally {
      store.get = realGet;
      store.read = realRead;
    }
    assert.equal((await check('', { cookie: alice })).status, 200);
  });

  // These two move the clock: they run last.
  it('401 after the idle timeout, enforced on the server', async () => {
    const cookie = await h.signIn('alice');
    assert.equal((await check('', { cookie })).status, 200);
    h.advance(9 * 3_600_000);
    assert.equal((await check('', { cookie })).status, 401);
  });

  it('401 after the absolute lifetime however active, and the idle expiry slides meanwhile', async () => {
    const cookie = await h.signIn('alice');
    for (let i = 0; i < 3; i++) {
      h.advance(7 * 3_600_000);
      assert.equal((await check('', { cookie })).status, 200, `active after ${(i + 1) * 7}h`);
    }
    h.advance(7 * 3_600_000);
    assert.equal((await check('', { cookie })).status, 401);
  });
});

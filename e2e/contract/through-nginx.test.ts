/**
 * The ingress-nginx auth-url contract end to end: real nginx configured the way ingress-nginx
 * renders auth-url / auth-signin / auth-response-headers, real gatehouse, real OpenID Provider.
 * Statement numbers refer to the contract's checklist (D19–D22, E23–E26, B11).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { httpRequest } from '../support/http-client.ts';
import { signInOverHttp } from '../support/http-login.ts';
import { startStack, type Stack } from '../stack/start-stack.ts';

describe('through nginx', () => {
  let stack: Stack;
  let host: string;
  const get = (path: string, headers: Record<string, string> = {}) =>
    httpRequest(`${stack.baseUrl}${path}`, { headers: { accept: 'application/json', ...headers } });
  const echoed = (body: string): Record<string, string> => (JSON.parse(body) as { headers: Record<string, string> }).headers;

  before(async () => {
    stack = await startStack();
    host = new URL(stack.baseUrl).host;
  });
  after(() => stack.stop());

  it('E23: no cookie on / → 302 to /oauth2/start with the request URI escaped as a relative rd', async () => {
    const res = await get('/some/path?a=1&b=x%20y');
    assert.equal(res.status, 302);
    assert.equal(res.headers.location, `http://${host}/oauth2/start?rd=%2Fsome%2Fpath%3Fa%3D1%26b%3Dx%2520y`);
  });

  it('E24: no cookie on /abs-rd → 302 with an absolute rd', async () => {
    const res = await get('/abs-rd/page?x=1');
    assert.equal(res.status, 302);
    assert.equal(res.headers.location, `http://${host}/oauth2/start?rd=http://${host}%2Fabs-rd%2Fpage%3Fx%3D1`);
  });

  it('D19: /oauth2/start is reachable without a session', async () => {
    const res = await get('/oauth2/start?rd=%2F');
    assert.equal(res.status, 302);
    assert.ok(res.headers.location?.startsWith(stack.idp.issuer));
  });

  it('D20/D22: after the provider round trip the user lands on exactly the decoded rd, both shapes', async () => {
    const relative = await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice', rd: '/some/path?a=1&b=x%20y' });
    assert.equal(relative.location, '/some/path?a=1&b=x%20y');
    const absolute = await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice', rd: `http://${host}/abs-rd/page?x=1` });
    assert.equal(absolute.location, `http://${host}/abs-rd/page?x=1`);
  });

  it('E25: the upstream sees gatehouse\'s identity headers and never client-spoofed copies', async () => {
    const { cookieHeader } = await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice' });
    const spoof = {
      'x-auth-request-user': 'mallory',
      'x-auth-request-email': 'mallory@evil.example',
      'x-auth-request-groups': 'root',
      'x-auth-request-preferred-username': 'root',
      authorization: 'Bearer forged',
    };
    const res = await get('/', { ...spoof, cookie: cookieHeader });
    assert.equal(res.status, 200, res.body);
    const headers = echoed(res.body);
    assert.equal(headers['x-auth-request-user'], 'alice');
    assert.equal(headers['x-auth-request-email'], 'alice@example.com');
    assert.equal(headers['x-auth-request-groups'], 'admins,devs');
    assert.equal(headers['x-auth-request-preferred-username'], 'alice');
    assert.equal(headers.authorization, undefined, 'the client Authorization is stripped when gatehouse sends none');
    const carol = await signInOverHttp(stack.baseUrl, { login: 'carol', password: 'carol' });
    const carolHeaders = echoed((await get('/', { ...spoof, cookie: carol.cookieHeader })).body);
    assert.equal(carolHeaders['x-auth-request-groups'], undefined, 'a header gatehouse leaves out is stripped, not passed through');
  });

  it('E26: signed in but outside allowed_groups → 403; no cookie on /api → 401 without a redirect', async () => {
    const bob = await signInOverHttp(stack.baseUrl, { login: 'bob', password: 'bob' });
    assert.equal((await get('/admin/x', { cookie: bob.cookieHeader })).status, 403);
    assert.equal((await get('/', { cookie: bob.cookieHeader })).status, 200);
    const api = await get('/api/items');
    assert.equal(api.status, 401);
    assert.equal(api.headers.location, undefined);
  });

  it('a claim with CR/LF never reaches the upstream: 403', async () => {
    const mallory = await signInOverHttp(stack.baseUrl, { login: 'mallory', password: 'mallory' });
    assert.equal((await get('/', { cookie: mallory.cookieHeader })).status, 403);
  });

  it('B11: three 7 KB Cookie lines pass nginx and gatehouse (no 431 turned into 500)', async () => {
    const alice = await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice' });
    const res = await httpRequest(`${stack.baseUrl}/`, {
      headers: {
        accept: 'application/json',
        cookie: `a=${'x'.repeat(7000)}; ${alice.cookieHeader}`,
        'x-padding-1': 'y'.repeat(7000),
        'x-padding-2': 'z'.repeat(7000),
      },
    });
    assert.equal(res.status, 200);
    const anonymous = await get('/', { 'x-padding-1': 'y'.repeat(7000), 'x-padding-2': 'z'.repeat(7000), 'x-padding-3': 'w'.repeat(7000) });
    assert.equal(anonymous.status, 302);
  });

  it('T22: a hostile Host that nginx puts into an absolute rd falls back to / after sign-in', async () => {
    const res = await get('/abs-rd/page', { host: `${host}@evil.example` });
    assert.equal(res.status, 302);
    const rd = new URL(res.headers.location ?? '').searchParams.get('rd') ?? '';
    assert.equal(rd, `http://${host}@evil.example/abs-rd/page`);
    const signedIn = await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice', rd });
    assert.equal(signedIn.location, '/');
  });

  it('sign-out ends access: the old cookie is refused on the next request', async () => {
    const alice = await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice' });
    assert.equal((await get('/', { cookie: alice.cookieHeader })).status, 200);
    const out = await get('/oauth2/sign_out?rd=%2F', { cookie: alice.cookieHeader });
    assert.equal(out.status, 302);
    assert.equal((await get('/', { cookie: alice.cookieHeader })).status, 302);
    assert.equal((await get('/api/x', { cookie: alice.cookieHeader })).status, 401);
  });

  // Runs last: it stops gatehouse.
  it('E26/T18: gatehouse down → nginx answers 500, never the app', async () => {
    const alice = await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice' });
    for (const replica of stack.gatehouse) await replica.stop();
    const res = await get('/', { cookie: alice.cookieHeader });
    assert.equal(res.status, 500);
    assert.ok(!res.body.includes('x-auth-request-user'));
  });
});

describe('through nginx, with the ID token configured as Authorization', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ gatehouseEnv: { GATEHOUSE_SET_AUTHORIZATION_HEADER: 'id_token' } });
  });
  after(() => stack.stop());

  it('C15: the upstream gets gatehouse\'s bearer token in place of the client\'s', async () => {
    const { cookieHeader } = await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice' });
    const res = await httpRequest(`${stack.baseUrl}/`, {
      headers: { accept: 'application/json', cookie: cookieHeader, authorization: 'Bearer forged' },
    });
    assert.equal(res.status, 200);
    const headers = (JSON.parse(res.body) as { headers: Record<string, string> }).headers;
    assert.match(headers.authorization ?? '', /^Bearer eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});

/**
 * Answers machines understand, on a deployment serving browsers and tokens (session,bearer) with a
 * real provider: a 401 for a client that is not a browser navigation, or that sent Authorization,
 * carries RFC 6750's WWW-Authenticate (invalid_token and a description when the token was refused,
 * no error attributes when none was sent) and, where the answer reaches the client (forward-auth,
 * ext-authz), the same as a small JSON body; /oauth2/auth sends the header only (nginx passes a
 * 401's WWW-Authenticate on, never a body). A token lacking the route's scope is 403
 * insufficient_scope with the scope. Browser navigations keep their redirect to sign-in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { HttpResponse } from '../../../e2e/support/http-client.ts';
import { startHarness, type Harness } from '../support/harness.ts';

const PAGE = { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate' };
const API = { accept: 'application/json' };
const FORWARDED = { 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'app.localtest', 'x-forwarded-uri': '/api/items', 'x-forwarded-for': '198.51.100.9' };

describe('answers machines understand', () => {
  let h: Harness;
  let token: string;
  before(async () => {
    h = await startHarness({ GATEHOUSE_IDENTITY_SOURCES: 'session,bearer', GATEHOUSE_TRUSTED_PROXY_SOURCES: '127.0.0.1/32,::1/128' });
    const bob = await h.server.deps.sessions.resolve(await h.signIn('bob'));
    token = bob.state === 'active' ? bob.record.tokens.idToken : '';
  });
  after(() => h.stop());

  /** The check at each endpoint, as its proxy asks it, with the client's own headers. */
  const atEach = async (query: string, headers: Record<string, string>, method = 'GET'): Promise<Record<string, HttpResponse>> => ({
    forward: await h.request(`/oauth2/forward-auth${query}`, { method: method === 'HEAD' ? 'HEAD' : 'GET', headers: { ...FORWARDED, 'x-forwarded-method': method, ...headers } }),
    envoy: await h.request(query === '' ? '/oauth2/ext-authz/api/items' : `/oauth2/ext-authz-route/${query.slice(1)}/api/items`, { method, headers: { host: 'app.localtest', ...headers } }),
    nginx: await h.request(`/oauth2/auth${query}`, { headers }),
  });
  const tampered = (): string => `${token.slice(0, -6)}AAAAAA`;

  it('no credential from a script: a bare Bearer challenge, and a JSON body where the client sees it', async () => {
    const answers = await atEach('', API);
    for (const [name, res] of Object.entries(answers)) {
      assert.equal(res.status, 401, name);
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="gatehouse"', name);
    }
    for (const res of [answers.forward, answers.envoy]) {
      assert.match(String(res?.headers['content-type']), /^application\/json/);
      assert.deepEqual(JSON.parse(res?.body ?? ''), { error: 'unauthorized', error_description: 'authentication is required' });
    }
    assert.equal(answers.nginx?.body, '', 'auth_request sends no body');
  });

  it('a refused token: invalid_token with what was wrong, never the token itself', async () => {
    const answers = await atEach('', { ...API, authorization: `Bearer ${tampered()}` });
    for (const [name, res] of Object.entries(answers)) {
      assert.equal(res.status, 401, name);
      assert.equal(res.headers['www-authenticate'], 'Bearer realm="gatehouse", error="invalid_token", error_description="the access token is not valid"', name);
      for (const part of tampered().split('.')) assert.ok(!JSON.stringify(res.headers).includes(part) && !res.body.includes(part), `${name} echoes the token`);
    }
    assert.deepEqual(JSON.parse(answers.forward?.body ?? ''), { error: 'invalid_token', error_description: 'the access token is not valid' });
  });

  it('a request with Authorization is a machine even when it accepts HTML: 401, not a redirect', async () => {
    const answers = await atEach('', { ...PAGE, authorization: `Bearer ${tampered()}` });
    assert.equal(answers.forward?.status, 401);
    assert.equal(answers.envoy?.status, 401);
    assert.equal(answers.forward?.headers.location, undefined);
  });

  it('a browser navigation keeps today’s answers: the redirect to sign-in, no JSON', async () => {
    const answers = await atEach('', PAGE);
    assert.equal(answers.forward?.status, 302);
    assert.equal(answers.envoy?.status, 302);
    assert.match(String(answers.forward?.headers.location), /\/oauth2\/start\?rd=/);
    assert.equal(answers.nginx?.status, 401);
    assert.equal(answers.nginx?.headers['www-authenticate'], undefined, 'nginx redirects browsers itself (auth-signin)');
    assert.ok(answers.nginx?.headers['x-gatehouse-signin']);
  });

  it('HEAD: the same status and challenge, no body', async () => {
    const res = await h.request('/oauth2/ext-authz/api', { method: 'HEAD', headers: { host: 'app.localtest', ...API } });
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="gatehouse"');
    assert.equal(res.body, '');
  });

  it('a token without the route’s scope: 403 insufficient_scope naming it; a person’s session gets the usual 403', async () => {
    const answers = await atEach('?allowed_scopes=api:write', { ...API, authorization: `Bearer ${token}` });
    const challenge = 'Bearer realm="gatehouse", error="insufficient_scope", error_description="the access token does not grant a scope this route requires", scope="api:write"';
    for (const [name, res] of Object.entries(answers)) {
      assert.equal(res.status, 403, name);
      assert.equal(res.headers['www-authenticate'], challenge, name);
    }
    assert.deepEqual(JSON.parse(answers.forward?.body ?? ''), { error: 'insufficient_scope', error_description: 'the access token does not grant a scope this route requires', scope: 'api:write' });
    const page = await h.request('/oauth2/forward-auth?allowed_scopes=api:write', { headers: { ...FORWARDED, ...PAGE, cookie: await h.signIn('bob') } });
    assert.equal(page.status, 403);
    assert.match(page.body, /<html/, 'a browser gets the denied page');
  });
});

/**
 * Several identity sources on one deployment (GATEHOUSE_IDENTITY_SOURCES): each source keeps the
 * source contract against a real OpenID Provider, and a check tries them in order — a deliberate
 * credential (a Bearer token) before the browser's cookie, an invalid one never falling through,
 * and a route narrowing the list with sources=.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sourceContract } from '../../src/sources/source.contract.ts';
import { createIdentitySources } from '../../src/sources/ordered-sources.ts';
import type { IdentitySource } from '../../src/sources/identity-source.ts';
import { startHarness, type Harness } from '../support/harness.ts';

describe('several identity sources, in order', () => {
  let h: Harness;
  let alice: string;
  let bobToken: string;
  let sources: Map<string, IdentitySource>;
  before(async () => {
    h = await startHarness({
      GATEHOUSE_IDENTITY_SOURCES: 'session,bearer,trusted-headers',
      GATEHOUSE_TRUSTED_HEADER_SOURCES: '127.0.0.1/32,::1/128',
    });
    alice = await h.signIn('alice');
    const bob = await h.server.deps.sessions.resolve(await h.signIn('bob'));
    bobToken = bob.state === 'active' ? bob.record.tokens.idToken : '';
    sources = new Map(createIdentitySources(h.server.deps).map((s) => [s.name, s]));
  });
  after(() => h.stop());

  const source = (name: string) => (): IdentitySource => sources.get(name) as IdentitySource;

  describe('session source', () => {
    sourceContract({
      source: source('session'),
      valid: () => ({ cookie: alice }),
      user: 'alice',
      invalid: () => [{ cookie: 'gatehouse=forged' }, { cookie: `${alice}x` }],
    });
  });
  describe('bearer source', () => {
    sourceContract({
      source: source('bearer'),
      valid: () => ({ authorization: `Bearer ${bobToken}` }),
      user: 'bob',
      invalid: () => [{ authorization: 'Bearer garbage' }, { authorization: `Bearer ${bobToken.slice(0, -4)}AAAA` }],
    });
  });
  describe('trusted-headers source', () => {
    sourceContract({
      source: source('trusted-headers'),
      valid: () => ({ 'remote-user': 'carol', 'remote-groups': 'ops' }),
      user: 'carol',
      invalid: () => [{ 'remote-user': '' }, { 'remote-user': 'evil\u0007' }],
    });
    it('from an untrusted peer the headers are present but never an identity', async () => {
      const { requestWith } = await import('../../src/sources/source.contract.ts');
      const who = await source('trusted-headers')().identify(requestWith({ 'remote-user': 'carol' }, '192.0.2.1'));
      assert.equal(who.state, 'unauthenticated');
    });
  });

  const check = (query: string, headers: Record<string, string>) => h.request(`/oauth2/auth${query}`, { headers });

  it('each source vouches on its own and is named in X-Auth-Request-Source', async () => {
    const byCookie = await check('', { cookie: alice });
    assert.equal(byCookie.status, 200);
    assert.equal(byCookie.headers['x-auth-request-user'], 'alice');
    assert.equal(byCookie.headers['x-auth-request-source'], 'session');
    const byToken = await check('', { authorization: `Bearer ${bobToken}` });
    assert.equal(byToken.status, 200);
    assert.equal(byToken.headers['x-auth-request-user'], 'bob');
    assert.equal(byToken.headers['x-auth-request-source'], 'bearer');
    const byHeaders = await check('', { 'remote-user': 'carol' });
    assert.equal(byHeaders.headers['x-auth-request-source'], 'trusted-headers');
  });

  it('a token is judged alone, never on the cookie beside it, and an invalid one never falls through', async () => {
    const both = await check('', { cookie: alice, authorization: `Bearer ${bobToken}` });
    assert.equal(both.status, 200);
    assert.equal(both.headers['x-auth-request-user'], 'bob');
    const badToken = await check('', { cookie: alice, authorization: 'Bearer garbage' });
    assert.equal(badToken.status, 401);
    assert.equal(badToken.headers['x-auth-request-user'], undefined);
    const badCookie = await check('', { cookie: 'gatehouse=forged', 'remote-user': 'carol' });
    assert.equal(badCookie.headers['x-auth-request-user'], 'carol', 'the upstream header is the deliberate credential here');
  });

  it('a route narrows the sources with sources=, and an unknown source fails closed', async () => {
    assert.equal((await check('?sources=bearer', { cookie: alice })).status, 401);
    assert.equal((await check('?sources=bearer', { authorization: `Bearer ${bobToken}` })).status, 200);
    assert.equal((await check('?sources=session', { authorization: `Bearer ${bobToken}` })).status, 401);
    assert.equal((await check('?sources=session&allowed_groups=admins', { cookie: alice, authorization: 'Bearer garbage' })).status, 200);
    assert.equal((await check('?sources=session,bearer&allowed_groups=admins', { authorization: `Bearer ${bobToken}` })).status, 403);
    for (const query of ['?sources=ldap', '?sources=', '?sources=%zz']) {
      assert.equal((await check(query, { cookie: alice })).status, 500, query);
    }
    await sleep(250); // check lines are written in batches
    const missing = h.logs.filter((l) => Array.isArray(l.reasons) && (l.reasons as string[]).includes('bearer-missing'));
    assert.ok(missing.length > 0, 'a narrowed route says which credential was missing');
  });
});

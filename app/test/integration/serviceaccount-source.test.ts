/**
 * Kubernetes ServiceAccount tokens as an identity source, through gatehouse against the
 * kube-apiserver stand-in (TLS with a private CA, gatehouse's own token file, the chart's RBAC):
 * the source contract; a pod's projected token → 200 with its ServiceAccount identity and groups;
 * the token routed by its issuer beside the bearer source; allowed_serviceaccounts; a named
 * policy's SubjectAccessReview; 401 for wrong audience, expired and forged tokens; 503 (fast) when
 * the API cannot answer, and back once it can; one TokenReview for many checks; a rotated token file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTokenSigner } from '../../../e2e/stand-ins/kube-apiserver/service-account-tokens.ts';
import { createIdentitySources } from '../../src/sources/ordered-sources.ts';
import type { IdentitySource } from '../../src/sources/identity-source.ts';
import { sourceContract } from '../../src/sources/source.contract.ts';
import { startHarness, type Harness } from '../support/harness.ts';
import { startKubeApiServerForGatehouse, type KubeApiServerForGatehouse } from '../support/kube-apiserver.ts';

const CONFIG = `
policies:
  pod-readers:
    kubernetes_access: { verb: list, group: "", resource: pods, namespace: team-a }
  metrics:
    serviceaccounts: [monitoring/*]
    kubernetes_access: { verb: get, path: /metrics }
`;

const GROUPS = (namespace: string): string => `system:serviceaccounts,system:serviceaccounts:${namespace},system:authenticated`;

describe('the serviceaccount source', () => {
  let kube: KubeApiServerForGatehouse;
  let h: Harness;
  let dir: string;
  let builder: string;
  let source: IdentitySource;
  before(async () => {
    kube = await startKubeApiServerForGatehouse([
      { subject: { group: 'system:serviceaccounts:team-a' }, verbs: ['list'], apiGroups: [''], resources: ['pods'], namespace: 'team-a' },
      { subject: { group: 'system:serviceaccounts:monitoring' }, verbs: ['get'], nonResourceURLs: ['/metrics'] },
    ]);
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-serviceaccount-'));
    writeFileSync(join(dir, 'config.yaml'), CONFIG);
    h = await startHarness({
      GATEHOUSE_IDENTITY_SOURCES: 'session,bearer,serviceaccount',
      GATEHOUSE_CONFIG_FILE: join(dir, 'config.yaml'),
      GATEHOUSE_KUBERNETES_TIMEOUT: '1s',
      ...kube.env('gatehouse'),
    });
    builder = await kube.podToken('team-a', 'builder');
    source = createIdentitySources(h.server.deps).find((s) => s.name === 'serviceaccount') as IdentitySource;
  });
  after(async () => {
    await h?.stop();
    await kube?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const check = (query: string, token: string, headers: Record<string, string> = {}) =>
    h.request(`/oauth2/auth${query}`, { headers: { authorization: `Bearer ${token}`, ...headers } });

  describe('source contract', () => {
    sourceContract({
      source: () => source,
      valid: () => ({ authorization: `Bearer ${builder}` }),
      user: 'system:serviceaccount:team-a:builder',
      invalid: () => [
        { authorization: `Bearer ${builder.slice(0, -6)}AAAAAA` },
        { authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(`{"iss":"${kube.signer.issuer}"}`).toString('base64url')}.` },
      ],
    });
  });

  it("a pod's projected token: 200 as its ServiceAccount, with its groups, named the serviceaccount source", async () => {
    const answer = await check('', builder);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers['x-auth-request-user'], 'system:serviceaccount:team-a:builder');
    assert.equal(answer.headers['x-auth-request-groups'], GROUPS('team-a'));
    assert.equal(answer.headers['x-auth-request-source'], 'serviceaccount');
  });

  it("tokens go to the source of their issuer: the OpenID Provider's to bearer, the cluster's to serviceaccount", async () => {
    const bob = await h.server.deps.sessions.resolve(await h.signIn('bob'));
    const idToken = bob.state === 'active' ? bob.record.tokens.idToken : '';
    const byProvider = await check('', idToken);
    assert.equal(byProvider.status, 200);
    assert.equal(byProvider.headers['x-auth-request-source'], 'bearer');
    const reviews = kube.standIn.tokenReviews;
    await check('', idToken);
    assert.equal(kube.standIn.tokenReviews, reviews, "a provider's token is never sent to TokenReview");
    assert.equal((await check('?sources=serviceaccount', idToken)).status, 401);
    assert.equal((await check('?sources=bearer', builder)).status, 401, 'a ServiceAccount token is not a bearer-source token');
  });

  it('allowed_serviceaccounts admits the named ServiceAccounts and namespaces, and no one else', async () => {
    assert.equal((await check('?allowed_serviceaccounts=team-a/builder', builder)).status, 200);
    assert.equal((await check('?allowed_serviceaccounts=team-b/x,team-a/*', builder)).status, 200);
    assert.equal((await check('?allowed_serviceaccounts=team-a/deployer', builder)).status, 403);
    assert.equal((await check('?allowed_serviceaccounts=team-b/*', builder)).status, 403);
    const alice = await h.signIn('alice');
    const person = await h.request('/oauth2/auth?allowed_serviceaccounts=team-a/*', { headers: { cookie: alice } });
    assert.equal(person.status, 403, 'a person is never a ServiceAccount');
    assert.equal((await check('?allowed_serviceaccounts=team-a', builder)).status, 500, 'a malformed pattern fails closed');
  });

  it("a named policy's SubjectAccessReview: allowed as the cluster's RBAC says, remembered briefly", async () => {
    assert.equal((await check('?policy=pod-readers', builder)).status, 200);
    const deployer = await kube.podToken('team-b', 'deployer');
    assert.equal((await check('?policy=pod-readers', deployer)).status, 403);
    const prometheus = await kube.podToken('monitoring', 'prometheus');
    assert.equal((await check('?policy=metrics', prometheus)).status, 200);
    assert.equal((await check('?policy=metrics', builder)).status, 403, 'serviceaccounts fails before any review');
    const alice = await h.signIn('alice');
    assert.equal((await h.request('/oauth2/auth?policy=pod-readers', { headers: { cookie: alice } })).status, 403, 'a person is never reviewed');
    const reviews = kube.standIn.accessReviews;
    for (let i = 0; i < 20; i++) assert.equal((await check('?policy=pod-readers', builder)).status, 200);
    assert.equal(kube.standIn.accessReviews, reviews, 'one review answers the repeats');
  });

  it('wrong audience, expired and forged tokens: 401, never an identity', async () => {
    const forger = await createTokenSigner();
    const tokens = [
      await kube.podToken('team-a', 'builder', ['vault']),
      await kube.podToken('team-a', 'builder', ['gatehouse'], -30),
      await forger.issue({ namespace: 'kube-system', name: 'admin', audiences: ['gatehouse'] }),
    ];
    for (const token of tokens) {
      const answer = await check('', token);
      assert.equal(answer.status, 401);
      assert.equal(answer.headers['x-auth-request-user'], undefined);
    }
  });

  it('100 checks with one token cost one TokenReview, concurrent or not', async () => {
    const token = await kube.podToken('team-a', 'cache-test');
    const before = kube.standIn.tokenReviews;
    const concurrent = await Promise.all(Array.from({ length: 50 }, () => check('', token)));
    assert.ok(concurrent.every((answer) => answer.status === 200));
    for (let i = 0; i < 50; i++) assert.equal((await check('', token)).status, 200);
    assert.equal(kube.standIn.tokenReviews - before, 1);
  });

  it('the API down, failing or too slow: 503 within the timeout, never 401, and back once it answers', async () => {
    const token = await kube.podToken('team-a', 'outage-test');
    await kube.standIn.pause();
    let started = Date.now();
    assert.equal((await check('', token)).status, 503);
    assert.ok(Date.now() - started < 1500, `refused connection answered in ${Date.now() - started} ms`);
    await kube.standIn.resume();
    kube.standIn.setFault({ kind: 'status', status: 500 });
    assert.equal((await check('', token)).status, 503);
    kube.standIn.setFault({ kind: 'delay', ms: 5000 });
    started = Date.now();
    assert.equal((await check('', token)).status, 503);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900 && elapsed < 2500, `a hanging API answered in ${elapsed} ms (GATEHOUSE_KUBERNETES_TIMEOUT=1s)`);
    kube.standIn.setFault(undefined);
    const back = await check('', token);
    assert.equal(back.status, 200, 'an outage is never remembered');
    await sleep(250); // check lines are written in batches
    assert.ok(h.logs.some((line) => Array.isArray(line.reasons) && (line.reasons as string[]).includes('kubernetes-unavailable')));
  });

  it("gatehouse's own token: a rotated file is read again when the API refuses the old one", async () => {
    const old = kube.callerToken;
    await kube.rotateCallerToken();
    kube.standIn.revoke(old);
    const token = await kube.podToken('team-a', 'rotation-test');
    assert.equal((await check('', token)).status, 200);
    const statuses = kube.standIn.requestLog.slice(-2).map((entry) => entry.status);
    assert.deepEqual(statuses, [401, 201], 'refused once, then reviewed with the new token');
  });

  it('no token or secrets in the log lines', async () => {
    await sleep(250);
    const text = JSON.stringify(h.logs);
    assert.ok(!text.includes(builder.split('.')[2] as string), 'a reviewed token never reaches the log');
    assert.ok(!text.includes(kube.callerToken.split('.')[2] as string));
  });
});

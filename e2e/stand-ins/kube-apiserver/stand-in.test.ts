/**
 * Keeps the kube-apiserver stand-in faithful: the documented behaviours of TokenReview and
 * SubjectAccessReview that gatehouse's tests rely on, checked with @kubernetes/client-node
 * configured as a kubeconfig would (CA and token) and with plain HTTPS for the failures.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { AuthenticationV1Api, AuthorizationV1Api, KubeConfig } from '@kubernetes/client-node';
import { Agent, fetch } from 'undici';
import { createTestCertificates, type TestCertificates } from '../../support/tls-certificates.ts';
import { gatehouseGrants } from './rbac.ts';
import { createTokenSigner, type TokenSigner } from './service-account-tokens.ts';
import { startKubeApiServerStandIn, type KubeApiServerStandIn } from './stand-in.ts';

let certificates: TestCertificates;
let signer: TokenSigner;
let standIn: KubeApiServerStandIn;
let callerToken: string;
let agent: Agent;

before(async () => {
  certificates = await createTestCertificates();
  signer = await createTokenSigner();
  const { readFile } = await import('node:fs/promises');
  standIn = await startKubeApiServerStandIn({
    tls: { cert: await readFile(certificates.certFile, 'utf8'), key: await readFile(certificates.keyFile, 'utf8') },
    signer,
    grants: [
      ...gatehouseGrants('system:serviceaccount:auth:gatehouse'),
      { subject: { group: 'system:serviceaccounts:team-a' }, verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'], namespace: 'team-a' },
      { subject: { user: 'system:serviceaccount:monitoring:prometheus' }, verbs: ['get'], nonResourceURLs: ['/metrics'] },
    ],
  });
  callerToken = await signer.issue({ namespace: 'auth', name: 'gatehouse', audiences: [signer.issuer] });
  agent = new Agent({ connect: { ca: certificates.caPem } });
});
after(async () => {
  await standIn?.close();
  await agent?.close();
  if (certificates) rmSync(certificates.dir, { recursive: true, force: true });
});

function kubeConfig(token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'stand-in', server: standIn.url, caData: Buffer.from(certificates.caPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'gatehouse', token }],
    contexts: [{ name: 'stand-in', cluster: 'stand-in', user: 'gatehouse' }],
    currentContext: 'stand-in',
  });
  return kc;
}

const post = async (path: string, body: string, authorization?: string) => {
  const response = await fetch(`${standIn.url}${path}`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...(authorization && { authorization }) },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
const TOKEN_REVIEWS = '/apis/authentication.k8s.io/v1/tokenreviews';
const ACCESS_REVIEWS = '/apis/authorization.k8s.io/v1/subjectaccessreviews';

describe('kube-apiserver stand-in', () => {
  test('TokenReview of a projected token: authenticated, the ServiceAccount user with its groups, extra and audiences', async () => {
    const api = kubeConfig(callerToken).makeApiClient(AuthenticationV1Api);
    const token = await signer.issue({ namespace: 'team-a', name: 'builder', audiences: ['gatehouse', 'vault'], pod: 'builder-1' });
    const review = await api.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token, audiences: ['gatehouse'] } } });
    assert.equal(review.status?.authenticated, true);
    assert.equal(review.status?.user?.username, 'system:serviceaccount:team-a:builder');
    assert.equal(review.status?.user?.uid, signer.uidOf({ namespace: 'team-a', name: 'builder' }));
    assert.deepEqual(review.status?.user?.groups, ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated']);
    assert.deepEqual(review.status?.user?.extra?.['authentication.kubernetes.io/pod-name'], ['builder-1']);
    assert.deepEqual(review.status?.audiences, ['gatehouse']);
  });

  test('TokenReview of a wrong-audience, expired or forged token: 201, not authenticated, an error', async () => {
    const api = kubeConfig(callerToken).makeApiClient(AuthenticationV1Api);
    const other = await createTokenSigner();
    const tokens = [
      await signer.issue({ namespace: 'team-a', name: 'builder', audiences: ['vault'] }),
      await signer.issue({ namespace: 'team-a', name: 'builder', audiences: ['gatehouse'], expiresInSec: -60 }),
      await other.issue({ namespace: 'team-a', name: 'builder', audiences: ['gatehouse'] }),
    ];
    for (const token of tokens) {
      const review = await api.createTokenReview({ body: { spec: { token, audiences: ['gatehouse'] } } });
      assert.notEqual(review.status?.authenticated, true);
      assert.match(review.status?.error ?? '', /^\[invalid bearer token, /);
    }
  });

  test('TokenReview without audiences checks the API server audience', async () => {
    const token = await signer.issue({ namespace: 'team-a', name: 'builder', audiences: [signer.issuer] });
    const { status, body } = await post(TOKEN_REVIEWS, JSON.stringify({ spec: { token } }), `Bearer ${callerToken}`);
    assert.equal(status, 201);
    assert.deepEqual(body.status.audiences, [signer.issuer]);
  });

  test('SubjectAccessReview: allowed as the grants bind, resource and non-resource', async () => {
    const api = kubeConfig(callerToken).makeApiClient(AuthorizationV1Api);
    const ask = async (spec: object) => (await api.createSubjectAccessReview({ body: { spec } })).status?.allowed;
    const groups = ['system:serviceaccounts', 'system:serviceaccounts:team-a', 'system:authenticated'];
    assert.equal(await ask({ user: 'system:serviceaccount:team-a:builder', groups, resourceAttributes: { verb: 'list', resource: 'pods', namespace: 'team-a' } }), true);
    assert.equal(await ask({ user: 'system:serviceaccount:team-a:builder', groups, resourceAttributes: { verb: 'delete', resource: 'pods', namespace: 'team-a' } }), false);
    assert.equal(await ask({ user: 'system:serviceaccount:team-a:builder', groups, resourceAttributes: { verb: 'get', resource: 'pods', namespace: 'team-b' } }), false);
    assert.equal(await ask({ user: 'system:serviceaccount:monitoring:prometheus', nonResourceAttributes: { verb: 'get', path: '/metrics' } }), true);
  });

  test('a missing or refused caller token: 401 Unauthorized Status', async () => {
    for (const authorization of [undefined, 'Bearer nope', `Bearer ${await signer.issue({ namespace: 'auth', name: 'gatehouse', audiences: ['not-the-api'] })}`]) {
      const { status, body } = await post(TOKEN_REVIEWS, '{"spec":{"token":"x"}}', authorization);
      assert.equal(status, 401);
      assert.deepEqual(body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
  });

  test('a caller without the RBAC to create reviews: 403 Forbidden Status naming the resource', async () => {
    const stranger = await signer.issue({ namespace: 'team-a', name: 'builder', audiences: [signer.issuer] });
    const { status, body } = await post(ACCESS_REVIEWS, '{}', `Bearer ${stranger}`);
    assert.equal(status, 403);
    assert.equal(body.kind, 'Status');
    assert.equal(body.reason, 'Forbidden');
    assert.equal(body.message, 'subjectaccessreviews.authorization.k8s.io is forbidden: User "system:serviceaccount:team-a:builder" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope');
  });

  test('malformed bodies: 400 BadRequest (not JSON, wrong kind, no token); an invalid SubjectAccessReview: 422', async () => {
    const auth = `Bearer ${callerToken}`;
    for (const [path, body] of [
      [TOKEN_REVIEWS, 'not json'],
      [TOKEN_REVIEWS, ''],
      [TOKEN_REVIEWS, '{"apiVersion":"v1","kind":"Pod"}'],
      [TOKEN_REVIEWS, '{"spec":{}}'],
      [ACCESS_REVIEWS, '[1]'],
    ] as const) {
      const answer = await post(path, body, auth);
      assert.equal(answer.status, 400, body);
      assert.equal(answer.body.reason, 'BadRequest');
    }
    const invalid = await post(ACCESS_REVIEWS, '{"spec":{"user":"x"}}', auth);
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.reason, 'Invalid');
  });

  test('counts reviews, injects faults, and stops listening until resumed', async () => {
    const before = standIn.tokenReviews;
    const token = await signer.issue({ namespace: 'team-a', name: 'builder', audiences: ['gatehouse'] });
    await post(TOKEN_REVIEWS, JSON.stringify({ spec: { token, audiences: ['gatehouse'] } }), `Bearer ${callerToken}`);
    assert.equal(standIn.tokenReviews, before + 1);
    standIn.setFault({ kind: 'status', status: 503, times: 1 });
    assert.equal((await post(TOKEN_REVIEWS, JSON.stringify({ spec: { token } }), `Bearer ${callerToken}`)).status, 503);
    await standIn.pause();
    await assert.rejects(post(TOKEN_REVIEWS, '{}', `Bearer ${callerToken}`));
    await standIn.resume();
    assert.equal((await post(TOKEN_REVIEWS, JSON.stringify({ spec: { token } }), `Bearer ${callerToken}`)).status, 201);
  });
});

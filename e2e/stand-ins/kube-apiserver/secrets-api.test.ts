/**
 * Keeps the kube-apiserver stand-in's Secrets API faithful to the documented core/v1 Secret
 * endpoints gatehouse's cookie keys rely on: read (404 NotFound), create (201; 409 AlreadyExists,
 * exactly one winner among racing creates), replace (200; 409 Conflict on a stale
 * resourceVersion), RBAC by verb, namespace and resourceNames (which cannot narrow a create), and
 * malformed writes refused. Checked with @kubernetes/client-node as a kubeconfig configures it, and
 * with plain HTTPS for the raw answers.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { ApiException, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Agent, fetch } from 'undici';
import { createTestCertificates, type TestCertificates } from '../../support/tls-certificates.ts';
import { createTokenSigner, type TokenSigner } from './service-account-tokens.ts';
import { startKubeApiServerStandIn, type KubeApiServerStandIn } from './stand-in.ts';

const SECRETS = '/api/v1/namespaces/auth/secrets';
let certificates: TestCertificates;
let signer: TokenSigner;
let standIn: KubeApiServerStandIn;
let agent: Agent;
let gatehouse: string;
let operator: string;

before(async () => {
  certificates = await createTestCertificates();
  signer = await createTokenSigner();
  standIn = await startKubeApiServerStandIn({
    tls: { cert: await readFile(certificates.certFile, 'utf8'), key: await readFile(certificates.keyFile, 'utf8') },
    signer,
    grants: [
      // The chart's Role: get on the one Secret, create on secrets (a create has no name to match).
      { subject: { user: 'system:serviceaccount:auth:gatehouse' }, verbs: ['get'], apiGroups: [''], resources: ['secrets'], resourceNames: ['cookie-keys'], namespace: 'auth' },
      { subject: { user: 'system:serviceaccount:auth:gatehouse' }, verbs: ['create'], apiGroups: [''], resources: ['secrets'], namespace: 'auth' },
      { subject: { user: 'system:serviceaccount:ops:admin' }, verbs: ['get', 'create', 'update'], apiGroups: [''], resources: ['secrets'], namespace: 'auth' },
    ],
  });
  gatehouse = await signer.issue({ namespace: 'auth', name: 'gatehouse', audiences: [signer.issuer] });
  operator = await signer.issue({ namespace: 'ops', name: 'admin', audiences: [signer.issuer] });
  agent = new Agent({ connect: { ca: certificates.caPem } });
});
after(async () => {
  await standIn?.close();
  await agent?.close();
  if (certificates) rmSync(certificates.dir, { recursive: true, force: true });
});

function core(token: string): CoreV1Api {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'stand-in', server: standIn.url, caData: Buffer.from(certificates.caPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'u', token }],
    contexts: [{ name: 'stand-in', cluster: 'stand-in', user: 'u' }],
    currentContext: 'stand-in',
  });
  return kc.makeApiClient(CoreV1Api);
}

const raw = async (method: string, path: string, token: string | undefined, body?: object | string) => {
  const response = await fetch(`${standIn.url}${path}`, {
    method,
    dispatcher: agent,
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};
const secret = (name: string, data: Record<string, string>, extra: object = {}) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, ...extra }, data });
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('kube-apiserver stand-in: Secrets', () => {
  test('a missing Secret: 404 NotFound Status, as client-node surfaces it', async () => {
    const { status, body } = await raw('GET', `${SECRETS}/cookie-keys`, gatehouse);
    assert.equal(status, 404);
    assert.deepEqual(body, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'secrets "cookie-keys" not found', reason: 'NotFound', details: { name: 'cookie-keys', kind: 'secrets' }, code: 404 });
    await assert.rejects(core(gatehouse).readNamespacedSecret({ name: 'cookie-keys', namespace: 'auth' }), (err: unknown) => err instanceof ApiException && err.code === 404);
  });

  test('of three racing creates exactly one wins (201); the others meet 409 AlreadyExists and read the winner', async () => {
    const api = core(gatehouse);
    const outcomes = await Promise.allSettled(['a', 'b', 'c'].map((v) => api.createNamespacedSecret({ namespace: 'auth', body: secret('cookie-keys', { 'cookie-secret': b64(v) }) })));
    const created = outcomes.filter((o) => o.status === 'fulfilled');
    assert.equal(created.length, 1);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) {
      const err = (o as PromiseRejectedResult).reason as ApiException<string>;
      assert.equal(err.code, 409);
      assert.match(String(err.body), /secrets \\?"cookie-keys\\?" already exists/);
    }
    const read = await api.readNamespacedSecret({ name: 'cookie-keys', namespace: 'auth' });
    assert.equal(read.data?.['cookie-secret'], (created[0] as PromiseFulfilledResult<{ data?: Record<string, string> }>).value.data?.['cookie-secret']);
    assert.equal(read.type, 'Opaque');
    assert.match(read.metadata?.resourceVersion ?? '', /^\d+$/);
  });

  test('a replace names the version it read: a stale one is 409 Conflict, the current one or none replaces', async () => {
    const api = core(operator);
    const before = await api.readNamespacedSecret({ name: 'cookie-keys', namespace: 'auth' });
    const first = await api.replaceNamespacedSecret({ name: 'cookie-keys', namespace: 'auth', body: { ...before, data: { 'cookie-secret': b64('new,old') } } });
    assert.notEqual(first.metadata?.resourceVersion, before.metadata?.resourceVersion);
    assert.equal(first.metadata?.uid, before.metadata?.uid);
    const stale = await raw('PUT', `${SECRETS}/cookie-keys`, operator, { ...secret('cookie-keys', { 'cookie-secret': b64('lost') }), metadata: { name: 'cookie-keys', resourceVersion: before.metadata?.resourceVersion } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    assert.equal(stale.body.message, 'Operation cannot be fulfilled on secrets "cookie-keys": the object has been modified; please apply your changes to the latest version and try again');
    const unconditional = await raw('PUT', `${SECRETS}/cookie-keys`, operator, { ...secret('cookie-keys', {}), stringData: { 'cookie-secret': 'plain' } });
    assert.equal(unconditional.status, 200);
    assert.equal(unconditional.body.data['cookie-secret'], b64('plain'), 'stringData is stored encoded in data');
    assert.equal((await raw('PUT', `${SECRETS}/absent`, operator, secret('absent', {}))).status, 404);
  });

  test('RBAC: get only on the granted name, create by anyone granted it, no update without the verb, 401 without a token', async () => {
    const other = await raw('GET', `${SECRETS}/other`, gatehouse);
    assert.equal(other.status, 403);
    assert.equal(other.body.message, 'secrets "other" is forbidden: User "system:serviceaccount:auth:gatehouse" cannot get resource "secrets" in API group "" in the namespace "auth"');
    const update = await raw('PUT', `${SECRETS}/cookie-keys`, gatehouse, secret('cookie-keys', {}));
    assert.equal(update.status, 403);
    const elsewhere = await raw('POST', '/api/v1/namespaces/default/secrets', gatehouse, secret('x', {}));
    assert.equal(elsewhere.status, 403);
    assert.equal(elsewhere.body.message, 'secrets is forbidden: User "system:serviceaccount:auth:gatehouse" cannot create resource "secrets" in API group "" in the namespace "default"');
    assert.equal((await raw('POST', SECRETS, gatehouse, secret('any-name-at-all', {}))).status, 201, 'resourceNames cannot narrow a create');
    assert.equal((await raw('GET', `${SECRETS}/cookie-keys`, undefined)).status, 401);
  });

  test('malformed writes: 422 without a valid name, 400 for data that is not base64, another namespace, or a name unlike the path', async () => {
    assert.equal((await raw('POST', SECRETS, operator, secret('', {}))).status, 422);
    assert.equal((await raw('POST', SECRETS, operator, secret('Not_A_Name', {}))).body.reason, 'Invalid');
    assert.equal((await raw('POST', SECRETS, operator, secret('x1', { k: 'not base64!' }))).status, 400);
    assert.equal((await raw('POST', SECRETS, operator, secret('x2', {}, { namespace: 'default' }))).status, 400);
    assert.equal((await raw('PUT', `${SECRETS}/cookie-keys`, operator, secret('other', {}))).status, 400);
    assert.equal((await raw('POST', SECRETS, operator, 'not json')).status, 400);
    assert.equal(standIn.secrets.get('auth', 'x1'), undefined, 'nothing refused was stored');
  });
});

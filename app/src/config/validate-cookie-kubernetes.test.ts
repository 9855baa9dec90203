import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestCertificates, type TestCertificates } from '../../../e2e/support/tls-certificates.ts';
import { problemsOf, VALID_ENV } from '../../test/support/config-env.ts';
import { loadConfig } from './load-config.ts';

const { GATEHOUSE_COOKIE_SECRET: _key, ...withoutKey } = VALID_ENV;
let certificates: TestCertificates;
let dir: string;
let api: Record<string, string>;
before(async () => {
  certificates = await createTestCertificates();
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-cookie-secret-config-'));
  writeFileSync(join(dir, 'token'), 'gatehouse-token\n');
  api = { GATEHOUSE_KUBERNETES_API_URL: 'https://k8s.example.com:6443', GATEHOUSE_KUBERNETES_CA_FILE: certificates.caFile, GATEHOUSE_KUBERNETES_TOKEN_FILE: join(dir, 'token') };
});
after(() => {
  if (certificates) rmSync(certificates.dir, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the Secret replaces GATEHOUSE_COOKIE_SECRET for browser sign-in; the keys are read at start-up, none is generated meanwhile', () => {
  const config = loadConfig({ ...withoutKey, ...api, GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES: 'gatehouse-cookie-keys', GATEHOUSE_KUBERNETES_NAMESPACE: 'auth' });
  const settings = config.cookie.fromKubernetes;
  assert.deepEqual([settings?.name, settings?.namespace, settings?.pollMs, settings?.api.url.origin], ['gatehouse-cookie-keys', 'auth', 10_000, 'https://k8s.example.com:6443']);
  assert.equal(config.cookie.keysGenerated, false, 'no warning about a per-process key');
  assert.equal(loadConfig(VALID_ENV).cookie.fromKubernetes, undefined, 'off by default');
  assert.ok(problemsOf(withoutKey).some((p) => p.startsWith('GATEHOUSE_COOKIE_SECRET is required')), 'without either, the key is still required');
});

test('one source of keys, a valid name and interval, and a namespace outside a pod', () => {
  assert.deepEqual(
    problemsOf({ ...VALID_ENV, ...api, GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES: 'Keys_1', GATEHOUSE_COOKIE_SECRET_POLL_INTERVAL: '500ms', GATEHOUSE_KUBERNETES_NAMESPACE: 'auth' }),
    [
      'GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES and GATEHOUSE_COOKIE_SECRET (or _FILE) are both set; the keys come from one place',
      'GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES: "Keys_1" is not a Secret name (lower-case letters, digits, - and .)',
      'GATEHOUSE_COOKIE_SECRET_POLL_INTERVAL must be between 1s and 10m',
    ],
  );
  const outside = problemsOf({ ...withoutKey, ...api, GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES: 'keys' });
  assert.deepEqual(outside, ['GATEHOUSE_KUBERNETES_NAMESPACE is required outside a pod: /var/run/secrets/kubernetes.io/serviceaccount/namespace cannot be read (ENOENT)']);
  assert.deepEqual(problemsOf({ ...withoutKey, GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES: 'keys', GATEHOUSE_KUBERNETES_NAMESPACE: 'auth' }), [
    'GATEHOUSE_KUBERNETES_API_URL is required outside a cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set), e.g. https://kubernetes.default.svc',
    `GATEHOUSE_KUBERNETES_TOKEN_FILE: cannot read "/var/run/secrets/kubernetes.io/serviceaccount/token" (ENOENT)`,
  ]);
});

test('with the serviceaccount source too, the API settings are shared and their problems named once', () => {
  const both = { ...withoutKey, GATEHOUSE_IDENTITY_SOURCES: 'session,serviceaccount', GATEHOUSE_SERVICEACCOUNT_AUDIENCE: 'gatehouse', GATEHOUSE_COOKIE_SECRET_FROM_KUBERNETES: 'keys', GATEHOUSE_KUBERNETES_NAMESPACE: 'auth' };
  const config = loadConfig({ ...both, ...api });
  assert.equal(config.cookie.fromKubernetes?.api, config.serviceAccount?.api);
  const problems = problemsOf(both);
  assert.equal(problems.filter((p) => p.startsWith('GATEHOUSE_KUBERNETES_API_URL')).length, 1);
});

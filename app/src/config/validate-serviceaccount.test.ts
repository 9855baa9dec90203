import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestCertificates, type TestCertificates } from '../../../e2e/support/tls-certificates.ts';
import { ConfigError, loadConfig } from './load-config.ts';

const login = {
  GATEHOUSE_OIDC_ISSUER_URL: 'https://login.example.com',
  GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
  GATEHOUSE_OIDC_CLIENT_SECRET: 's3cret',
  GATEHOUSE_REDIRECT_URL: 'https://app.example.com/oauth2/callback',
  GATEHOUSE_COOKIE_SECRET: Buffer.alloc(32, 7).toString('base64'),
  GATEHOUSE_IDENTITY_SOURCES: 'session,serviceaccount',
};

let certificates: TestCertificates;
let dir: string;
let tokenFile: string;
before(async () => {
  certificates = await createTestCertificates();
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-serviceaccount-config-'));
  tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, 'gatehouse-token\n');
});
after(() => {
  if (certificates) rmSync(certificates.dir, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

test('in a pod: the API server from KUBERNETES_SERVICE_HOST/PORT (IPv6 too), the explicit files, the defaults', () => {
  const files = { GATEHOUSE_KUBERNETES_CA_FILE: certificates.caFile, GATEHOUSE_KUBERNETES_TOKEN_FILE: tokenFile };
  const config = loadConfig({ ...login, ...files, GATEHOUSE_SERVICEACCOUNT_AUDIENCE: 'gatehouse', KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' });
  const settings = config.serviceAccount;
  assert.equal(settings?.api.url.origin, 'https://10.96.0.1');
  assert.equal(settings?.api.caPem, certificates.caPem);
  assert.equal(settings?.audience, 'gatehouse');
  assert.deepEqual(settings?.issuers, ['https://kubernetes.default.svc.cluster.local']);
  assert.equal(settings?.cacheTtlMs, 30_000);
  assert.equal(settings?.api.timeoutMs, 3000);
  const v6 = loadConfig({ ...login, ...files, GATEHOUSE_SERVICEACCOUNT_AUDIENCE: 'gatehouse', KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' });
  assert.equal(v6.serviceAccount?.api.url.origin, 'https://[fd00::1]:6443');
});

test('outside a cluster: an explicit https URL, the system CAs unless a CA file is named', () => {
  const config = loadConfig({ ...login, GATEHOUSE_SERVICEACCOUNT_AUDIENCE: 'gatehouse', GATEHOUSE_KUBERNETES_API_URL: 'https://k8s.example.com:6443', GATEHOUSE_KUBERNETES_TOKEN_FILE: tokenFile });
  assert.equal(config.serviceAccount?.api.url.href, 'https://k8s.example.com:6443/');
  assert.equal(config.serviceAccount?.api.caPem, undefined);
});

test('every problem at once: the audience, where the API is, unreadable files, http, bounds', () => {
  const problems = problemsOf({
    ...login,
    GATEHOUSE_SERVICEACCOUNT_AUDIENCE: 'a b',
    GATEHOUSE_KUBERNETES_API_URL: 'http://k8s.example.com',
    GATEHOUSE_KUBERNETES_CA_FILE: tokenFile,
    GATEHOUSE_KUBERNETES_TOKEN_FILE: tokenFile,
    GATEHOUSE_SERVICEACCOUNT_CACHE_TTL: '10m',
  });
  assert.deepEqual(problems, [
    'GATEHOUSE_SERVICEACCOUNT_AUDIENCE must be one audience, without spaces or commas',
    'GATEHOUSE_SERVICEACCOUNT_CACHE_TTL must be at most 5m',
    'GATEHOUSE_KUBERNETES_API_URL must be an https:// URL: tokens are sent to it',
    `GATEHOUSE_KUBERNETES_CA_FILE: ${JSON.stringify(tokenFile)} holds no PEM certificate`,
  ]);
  const missing = problemsOf({ ...login, GATEHOUSE_KUBERNETES_TOKEN_FILE: join(dir, 'missing') });
  assert.ok(missing.some((p) => p.startsWith('GATEHOUSE_SERVICEACCOUNT_AUDIENCE is required with GATEHOUSE_IDENTITY_SOURCES=session,serviceaccount')), missing.join('\n'));
  assert.ok(missing.some((p) => p.startsWith('GATEHOUSE_KUBERNETES_API_URL is required outside a cluster')));
  assert.ok(missing.some((p) => p.endsWith('(ENOENT)') && p.startsWith('GATEHOUSE_KUBERNETES_TOKEN_FILE')));
});

test('without the source nothing of it is read or required', () => {
  const config = loadConfig({ ...login, GATEHOUSE_IDENTITY_SOURCES: 'session', GATEHOUSE_KUBERNETES_TOKEN_FILE: join(dir, 'missing') });
  assert.equal(config.serviceAccount, undefined);
});

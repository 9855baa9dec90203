import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestCertificates, type TestCertificates } from '../../../e2e/support/tls-certificates.ts';
import { loadConfig } from './load-config.ts';
import { problemsOf, VALID_ENV as valid } from '../../test/support/config-env.ts';


let certificates: TestCertificates;
let dir: string;
before(async () => {
  certificates = await createTestCertificates();
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-outbound-config-'));
});
after(() => {
  if (certificates) rmSync(certificates.dir, { recursive: true, force: true });
  if (dir) rmSync(dir, { recursive: true, force: true });
});


function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

test('by default: the system CAs, a 3 s connect timeout and no proxy', () => {
  const { outbound } = loadConfig(valid);
  assert.deepEqual(outbound, { oidcCaPem: undefined, connectTimeoutMs: 3000, proxy: { https: '', http: '', noProxy: '' } });
  assert.ok(Object.isFrozen(outbound.proxy));
});

test('GATEHOUSE_OIDC_CA_FILE is read at start-up into the config', () => {
  const config = loadConfig({ ...valid, GATEHOUSE_OIDC_CA_FILE: certificates.caFile, GATEHOUSE_OUTBOUND_CONNECT_TIMEOUT: '750ms' });
  assert.equal(config.outbound.oidcCaPem, certificates.caPem);
  assert.equal(config.outbound.connectTimeoutMs, 750);
});

test('a CA file that cannot be read, holds no certificate or a broken one is a start-up problem, with the others', () => {
  const missing = join(dir, 'missing.pem');
  assert.deepEqual(problemsOf({ ...valid, GATEHOUSE_OIDC_CA_FILE: missing, GATEHOUSE_METRICS_PORT: '4180' }), [
    `GATEHOUSE_OIDC_CA_FILE: cannot read "${missing}" (ENOENT)`,
    'GATEHOUSE_METRICS_PORT must differ from GATEHOUSE_PORT: /metrics is never served on the main port',
  ]);
  assert.deepEqual(problemsOf({ ...valid, GATEHOUSE_OIDC_CA_FILE: file('key.pem', '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n') }), [
    'GATEHOUSE_OIDC_CA_FILE does not hold a PEM certificate (-----BEGIN CERTIFICATE-----)',
  ]);
  const broken = `${certificates.caPem}-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n`;
  assert.deepEqual(problemsOf({ ...valid, GATEHOUSE_OIDC_CA_FILE: file('broken.pem', broken) }), [
    'GATEHOUSE_OIDC_CA_FILE: certificate 2 of 2 cannot be parsed',
  ]);
});

test('the proxy variables: lower-case wins, a bare host:port means http://', () => {
  const { proxy } = loadConfig({
    ...valid,
    HTTPS_PROXY: 'http://upper.example.com:3128',
    https_proxy: 'http://lower.example.com:3128',
    HTTP_PROXY: 'proxy.example.com:8080',
    NO_PROXY: 'localhost, .svc',
  }).outbound;
  assert.deepEqual(proxy, { https: 'http://lower.example.com:3128/', http: 'http://proxy.example.com:8080/', noProxy: 'localhost, .svc' });
  assert.equal(loadConfig({ ...valid, NO_PROXY: 'upper', no_proxy: 'lower' }).outbound.proxy.noProxy, 'lower');
});

test('a proxy that is not an http(s) URL is refused without echoing it (it may hold a password)', () => {
  const problems = problemsOf({ ...valid, HTTPS_PROXY: 'ftp://user:pa55word@proxy:21', http_proxy: 'http://' });
  assert.deepEqual(problems, [
    'HTTPS_PROXY is not an http(s) proxy URL (e.g. http://proxy.example.com:3128)',
    'http_proxy is not an http(s) proxy URL (e.g. http://proxy.example.com:3128)',
  ]);
  assert.ok(!problems.join('\n').includes('pa55word'));
});

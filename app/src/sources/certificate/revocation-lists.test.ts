import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { X509Certificate } from 'node:crypto';
import { createClientCertificates, type ClientCertificates } from '../../../../e2e/support/client-certificates.ts';
import { normalizeSerial, parseRevocationLists } from './revocation-lists.ts';
import { createRevocationStore } from './revocation-store.ts';
import { parseTrustAnchors } from './trust-anchors.ts';

let certs: ClientCertificates;
before(async () => {
  certs = await createClientCertificates();
});
after(() => certs.remove());

const anchorsOf = (file: string) => parseTrustAnchors(readFileSync(file, 'utf8'), 'CA', []);
const revokedSerial = () => normalizeSerial(new X509Certificate(certs.clients.revoked.pem).serialNumber);

test("a PEM list by the bundle's CA: its revoked serials, thisUpdate and nextUpdate; the same list as DER reads the same", () => {
  const anchors = anchorsOf(certs.caBundleFile);
  const problems: string[] = [];
  const pem = parseRevocationLists(readFileSync(certs.crlFile), anchors, 'CRL', problems);
  assert.deepEqual(problems, []);
  const list = pem.get(anchors[0]?.fingerprint ?? '');
  assert.ok(list?.revoked.has(revokedSerial()));
  assert.equal(list?.revoked.size, 1);
  assert.ok(list.nextUpdate !== undefined && list.nextUpdate > list.thisUpdate);
  const der = execFileSync('openssl', ['crl', '-in', certs.crlFile, '-outform', 'DER']);
  assert.deepEqual([...(parseRevocationLists(der, anchors, 'CRL', []).get(anchors[0]?.fingerprint ?? '')?.revoked ?? [])], [revokedSerial()]);
});

test('a list no CA of the bundle signed, garbage, and a file without a list are start-up problems', () => {
  const problems: string[] = [];
  parseRevocationLists(readFileSync(certs.crlFile), anchorsOf(certs.otherCa.certFile), 'CRL', problems);
  parseRevocationLists(Buffer.from('-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n'), anchorsOf(certs.caBundleFile), 'CRL', problems);
  parseRevocationLists(Buffer.from(certs.ca.pem), anchorsOf(certs.caBundleFile), 'CRL', problems);
  assert.deepEqual(problems, [
    'CRL: list 1 of 1 is not signed by any CA of GATEHOUSE_CLIENT_CA_FILE',
    'CRL: list 1 of 1 cannot be parsed',
    'CRL holds no revocation list (-----BEGIN X509 CRL----- or DER)',
  ]);
});

test('serials compare without leading zeros', () => {
  assert.equal(normalizeSerial('00ab'), 'AB');
  assert.equal(normalizeSerial('0'), '0');
});

test('the store re-reads a changed file after the interval; an invalid file keeps the lists in force', async () => {
  const anchors = anchorsOf(certs.caBundleFile);
  const path = join(certs.dir, 'store.crl');
  const empty = join(certs.dir, 'empty.crl');
  // A fresh list from the same CA with nothing revoked: a new database.
  writeFileSync(join(certs.dir, 'client-ca', 'index.txt'), '');
  execFileSync('openssl', ['ca', '-config', join(certs.dir, 'client-ca', 'ca.cnf'), '-gencrl', '-out', empty], { stdio: 'ignore' });
  copyFileSync(certs.crlFile, path);
  const logged: string[] = [];
  const logger = { info: (_f: unknown, m: string) => void logged.push(m), error: (_f: unknown, m: string) => void logged.push(m) };
  const store = createRevocationStore({ path, content: readFileSync(path), anchors, intervalMs: 1000, logger: logger as never });
  const fingerprint = anchors[0]?.fingerprint ?? '';
  assert.equal(store.current(0).lists.get(fingerprint)?.revoked.size, 1);
  copyFileSync(empty, path);
  store.current(500);
  await store.settled();
  assert.equal(store.current(600).generation, 0, 'not before the interval');
  store.current(1500);
  await store.settled();
  const state = store.current(1600);
  assert.equal(state.generation, 1);
  assert.equal(state.lists.get(fingerprint)?.revoked.size, 0);
  writeFileSync(path, 'garbage');
  store.current(3000);
  await store.settled();
  assert.equal(store.current(3100).generation, 1);
  assert.deepEqual(logged, ['revocation lists reloaded', 'revocation list file refused; keeping the lists in force']);
});

import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createClientCertificates, type ClientCertificates } from '../../../../e2e/support/client-certificates.ts';
import { envoyXfccElement, traefikClientCertHeader } from '../../../../e2e/support/client-cert-headers.ts';
import { certificateSource } from '../../../test/support/certificate-source-parts.ts';
import { requestWith } from '../source.contract.ts';

describe('certificate source', () => {
  let certs: ClientCertificates;
  let base: Record<string, string>;
  before(async () => {
    certs = await createClientCertificates();
    base = { GATEHOUSE_CLIENT_CA_FILE: certs.caBundleFile, GATEHOUSE_CLIENT_CRL_FILE: certs.crlFile, GATEHOUSE_CLIENT_CERT_SOURCES: '127.0.0.1/32' };
  });
  after(() => certs.remove());

  const nginx = (pem: string, verify = 'SUCCESS'): IncomingHttpHeaders => ({ 'ssl-client-cert': encodeURIComponent(pem), 'ssl-client-verify': verify });

  it('each case of the nginx header: an identity only for the good certificates, a reason code for the rest', async () => {
    const { source, logs } = certificateSource(base);
    const expected: Record<string, string> = {
      alice: 'alice',
      doe: 'Doe, John',
      expired: 'client-cert-expired',
      otherCa: 'client-cert-untrusted',
      noEku: 'client-cert-usage',
      serverAuth: 'client-cert-usage',
      control: 'client-cert-name-invalid',
      bidi: 'client-cert-name-invalid',
      revoked: 'client-cert-revoked',
      viaIntermediate: 'client-cert-untrusted',
    };
    for (const [name, cert] of Object.entries(certs.clients)) {
      const who = await source.identify(requestWith(nginx(cert.pem)));
      const got = who.state === 'identified' ? who.identity.user : who.state === 'unauthenticated' ? who.reason : who.state;
      assert.equal(got, expected[name], name);
    }
    // Every refusal is logged with its detail and the fingerprint, never with the certificate.
    const refusals = logs.filter((l) => l.message === 'client certificate refused');
    assert.equal(refusals.length, 8);
    assert.ok(refusals.every((l) => typeof l.fields.detail === 'string' && typeof l.fields.fingerprint === 'string'));
    assert.ok(!JSON.stringify(logs).includes('BEGIN'), 'no PEM in the log');
    assert.match(JSON.stringify(logs), /expired at 2020-02-01T00:00:00\.000Z/);
    assert.match(JSON.stringify(logs), /the subject's CN holds U\+0007/);
  });

  it("alice's identity: groups from the OUs, the DN leaf first, the email from the SAN; the comma in Doe's CN is read, not split", async () => {
    const { source } = certificateSource(base);
    const alice = await source.identify(requestWith(nginx(certs.clients.alice.pem)));
    assert.equal(alice.state, 'identified');
    if (alice.state !== 'identified') return;
    assert.equal(alice.source, 'certificate');
    assert.deepEqual(alice.identity.groups, ['admins', 'devs']);
    assert.equal(alice.identity.dn, 'CN=alice,OU=devs,OU=admins,O=Example');
    assert.equal(alice.identity.email, 'alice@example.com');
    const doe = await source.identify(requestWith(nginx(certs.clients.doe.pem)));
    assert.equal(doe.state === 'identified' && doe.identity.dn, 'CN=Doe\\, John,OU=ops,O=Example');
  });

  it("never on the proxy's word: SUCCESS does not help a refused certificate, and anything but SUCCESS refuses a good one", async () => {
    const { source } = certificateSource(base);
    assert.equal((await source.identify(requestWith(nginx(certs.clients.otherCa.pem, 'SUCCESS')))).state, 'unauthenticated');
    for (const verdict of ['FAILED:certificate has expired', 'NONE', '']) {
      const who = await source.identify(requestWith(nginx(certs.clients.alice.pem, verdict)));
      assert.deepEqual(who, { state: 'unauthenticated', reason: 'client-cert-untrusted' }, verdict);
    }
  });

  it('believed only from the trusted proxy: another peer, or a missing or wrong secret, is untrusted-source', async () => {
    const { source } = certificateSource(base);
    assert.deepEqual(await source.identify(requestWith(nginx(certs.clients.alice.pem), '192.0.2.10')), { state: 'unauthenticated', reason: 'untrusted-source' });
    const secret = 'a-shared-secret-of-enough-length';
    const withSecret = certificateSource({ ...base, GATEHOUSE_CLIENT_CERT_SOURCES: '', GATEHOUSE_CLIENT_CERT_SECRET: secret }).source;
    assert.equal((await withSecret.identify(requestWith(nginx(certs.clients.alice.pem)))).state, 'unauthenticated');
    assert.equal((await withSecret.identify(requestWith({ ...nginx(certs.clients.alice.pem), 'x-gatehouse-client-cert-secret': 'wrong-secret-of-enough-length' }))).state, 'unauthenticated');
    assert.equal((await withSecret.identify(requestWith({ ...nginx(certs.clients.alice.pem), 'x-gatehouse-client-cert-secret': secret }))).state, 'identified');
  });

  it('malformed headers are 401 client-cert-invalid, never a throw', async () => {
    const { source } = certificateSource(base);
    const pem = certs.clients.alice.pem;
    const bad: IncomingHttpHeaders[] = [
      { 'ssl-client-cert': '%E0%A4%A' },
      { 'ssl-client-cert': encodeURIComponent(pem + pem) },
      { 'ssl-client-cert': encodeURIComponent(pem.replace('MII', 'M!I')) },
      { 'ssl-client-cert': encodeURIComponent(pem.replace(/MII[A-Za-z0-9]/, 'MIIA')) },
      { 'ssl-client-cert': 'x'.repeat(40_000) },
    ];
    for (const headers of bad) assert.deepEqual(await source.identify(requestWith(headers)), { state: 'unauthenticated', reason: 'client-cert-invalid' });
    const repeated = requestWith({ 'ssl-client-cert': encodeURIComponent(pem) });
    (repeated.headersDistinct as Record<string, string[]>)['ssl-client-cert'] = ['a', 'b'];
    assert.equal((await source.identify(repeated)).state, 'unauthenticated');
  });

  it("Envoy's XFCC: the Cert of the only element; several elements follow GATEHOUSE_CLIENT_CERT_XFCC_ELEMENT", async () => {
    const env = { ...base, GATEHOUSE_CLIENT_CERT_FORMAT: 'envoy-xfcc' };
    const alice = envoyXfccElement(certs.clients.alice.pem, { by: 'spiffe://cluster.local/ns/gw/sa/envoy', cert: true, subject: true, uri: true, dns: true });
    const doe = envoyXfccElement(certs.clients.doe.pem, { cert: true });
    const user = async (source: ReturnType<typeof certificateSource>['source'], xfcc: string) => {
      const who = await source.identify(requestWith({ 'x-forwarded-client-cert': xfcc }));
      return who.state === 'identified' ? who.identity.user : who.state === 'unauthenticated' ? who.reason : 'failed';
    };
    const only = certificateSource(env).source;
    assert.equal(await user(only, alice), 'alice');
    assert.equal(await user(only, `${doe},${alice}`), 'client-cert-invalid');
    assert.equal(await user(only, envoyXfccElement(certs.clients.alice.pem, { subject: true })), 'client-cert-invalid', 'no Cert key');
    assert.equal(await user(certificateSource({ ...env, GATEHOUSE_CLIENT_CERT_XFCC_ELEMENT: 'last' }).source, `${doe},${alice}`), 'alice');
    assert.equal(await user(certificateSource({ ...env, GATEHOUSE_CLIENT_CERT_XFCC_ELEMENT: 'first' }).source, `${doe},${alice}`), 'Doe, John');
  });

  it("Traefik's header: the leaf of the comma-joined base64 DER chain, also URL-escaped as Traefik v2 sent it", async () => {
    const { source } = certificateSource({ ...base, GATEHOUSE_CLIENT_CERT_FORMAT: 'traefik' });
    const value = traefikClientCertHeader([certs.clients.alice.pem, certs.ca.pem]);
    for (const header of [value, encodeURIComponent(value)]) {
      const who = await source.identify(requestWith({ 'x-forwarded-tls-client-cert': header }));
      assert.equal(who.state === 'identified' && who.identity.user, 'alice');
    }
    assert.equal((await source.identify(requestWith({ 'x-forwarded-tls-client-cert': 'not base64!' }))).state, 'unauthenticated');
  });

  it('a verified certificate is remembered by fingerprint: the same identity object, until the certificate runs out', async () => {
    const { source, clock } = certificateSource({ ...base, GATEHOUSE_CLIENT_CRL_FILE: '' });
    const first = await source.identify(requestWith(nginx(certs.clients.alice.pem)));
    const second = await source.identify(requestWith(nginx(certs.clients.alice.pem)));
    assert.ok(first.state === 'identified' && second.state === 'identified' && first.identity === second.identity);
    clock.now += 31 * 86_400_000;
    assert.equal((await source.identify(requestWith(nginx(certs.clients.alice.pem)))).state, 'unauthenticated', 'expired since');
  });

  it('a revocation list past its nextUpdate answers 503 client-crl-stale, logged as an error', async () => {
    const { source, clock, logs } = certificateSource(base);
    clock.now += 2 * 86_400_000 + 60_000;
    const who = await source.identify(requestWith(nginx(certs.clients.alice.pem)));
    assert.equal(who.state, 'failed');
    assert.ok(who.state === 'failed' && who.status === 503 && who.reason === 'client-crl-stale');
    assert.ok(logs.some((l) => l.level === 'error' && /revocation list out of date/.test(l.message)));
  });

  it('an intermediate CA in the bundle trusts what it issued; the root alone does not', async () => {
    const env = { ...base, GATEHOUSE_CLIENT_CRL_FILE: '' };
    const ivan = nginx(certs.clients.viaIntermediate.pem);
    assert.equal((await certificateSource(env).source.identify(requestWith(ivan))).state, 'unauthenticated');
    const who = await certificateSource({ ...env, GATEHOUSE_CLIENT_CA_FILE: certs.caAndIntermediateFile }).source.identify(requestWith(ivan));
    assert.equal(who.state === 'identified' && who.identity.user, 'ivan');
  });

  it('GATEHOUSE_CLIENT_CERT_ALLOW_SERVER_AUTH=true accepts a certificate with both usages', async () => {
    const who = await certificateSource({ ...base, GATEHOUSE_CLIENT_CERT_ALLOW_SERVER_AUTH: 'true' }).source.identify(requestWith(nginx(certs.clients.serverAuth.pem)));
    assert.equal(who.state === 'identified' && who.identity.user, 'node-1');
  });

  it('username from a SAN, groups from the config file instead of the OUs', async () => {
    const file = { client_certificates: { groups: { 'alice@example.com': ['support'] } } };
    const { source } = certificateSource({ ...base, GATEHOUSE_CLIENT_CERT_USERNAME: 'san-email', GATEHOUSE_CLIENT_CERT_GROUPS: 'none' }, file);
    const who = await source.identify(requestWith(nginx(certs.clients.alice.pem)));
    assert.ok(who.state === 'identified');
    assert.equal(who.identity.user, 'alice@example.com');
    assert.deepEqual(who.identity.groups, ['support']);
    const byUri = certificateSource({ ...base, GATEHOUSE_CLIENT_CERT_USERNAME: 'san-uri' }).source;
    const spiffe = await byUri.identify(requestWith(nginx(certs.clients.alice.pem)));
    assert.equal(spiffe.state === 'identified' && spiffe.identity.user, 'spiffe://example.com/user/alice');
    assert.equal((await byUri.identify(requestWith(nginx(certs.clients.doe.pem)))).state, 'unauthenticated', 'no URI SAN');
  });
});

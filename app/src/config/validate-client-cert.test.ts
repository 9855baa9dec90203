import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { cleanEnv } from 'envalid';
import { createClientCertificates, type ClientCertificates } from '../../../e2e/support/client-certificates.ts';
import { CLIENT_CERT_SCHEMA } from './schema-client-cert.ts';
import { validateClientCert } from './validate-client-cert.ts';
import { parseClientCertSection } from './client-cert-section.ts';

let certs: ClientCertificates;
before(async () => {
  certs = await createClientCertificates();
});
after(() => certs.remove());

function problemsOf(env: Record<string, string>, file: Record<string, unknown> = {}): string[] {
  const problems: string[] = [];
  validateClientCert(cleanEnv(env, CLIENT_CERT_SCHEMA) as never, file, true, problems);
  return problems;
}

test('a good configuration has no problem, and the header is the format\'s own unless named', () => {
  const env = { GATEHOUSE_CLIENT_CA_FILE: certs.caBundleFile, GATEHOUSE_CLIENT_CRL_FILE: certs.crlFile, GATEHOUSE_CLIENT_CERT_SOURCES: '10.0.0.0/8' };
  assert.deepEqual(problemsOf(env), []);
  const settings = (format: string, header = '') =>
    validateClientCert(cleanEnv({ ...env, GATEHOUSE_CLIENT_CERT_FORMAT: format, GATEHOUSE_CLIENT_CERT_HEADER: header }, CLIENT_CERT_SCHEMA) as never, {}, true, []);
  assert.equal(settings('ingress-nginx')?.header, 'ssl-client-cert');
  assert.equal(settings('envoy-xfcc')?.header, 'x-forwarded-client-cert');
  assert.equal(settings('traefik')?.header, 'x-forwarded-tls-client-cert');
  assert.equal(settings('traefik', 'X-Client-Cert')?.header, 'x-client-cert');
});

test('every problem at once: no trusted proxy, a CA file that is not a CA, a list the CA did not sign, a bad network', () => {
  const notCa = join(certs.dir, 'not-a-ca.pem');
  writeFileSync(notCa, certs.ca.pem + certs.clients.alice.pem);
  const problems = problemsOf({ GATEHOUSE_CLIENT_CA_FILE: notCa, GATEHOUSE_CLIENT_CRL_FILE: join(certs.dir, 'missing.crl') });
  assert.deepEqual(problems, [
    'the certificate source needs GATEHOUSE_CLIENT_CERT_SOURCES and/or GATEHOUSE_CLIENT_CERT_SECRET: a certificate header is believed only from the proxy that terminates client TLS',
    'GATEHOUSE_CLIENT_CA_FILE: certificate 2 of 2 (O=Example, OU=admins, OU=devs, CN=alice) is not a CA (basicConstraints cA is not set)',
    `GATEHOUSE_CLIENT_CRL_FILE: cannot read ${JSON.stringify(join(certs.dir, 'missing.crl'))} (ENOENT)`,
  ]);
  const more = problemsOf({
    GATEHOUSE_CLIENT_CA_FILE: certs.otherCa.certFile,
    GATEHOUSE_CLIENT_CRL_FILE: certs.crlFile,
    GATEHOUSE_CLIENT_CERT_SOURCES: '10.0.0.0/33',
    GATEHOUSE_CLIENT_CERT_SECRET: 'short',
    GATEHOUSE_CLIENT_CERT_HEADER: 'bad header',
  });
  assert.equal(more.length, 4, more.join('\n'));
  assert.match(more.join('\n'), /GATEHOUSE_CLIENT_CERT_HEADER must be a header name/);
  assert.match(more.join('\n'), /GATEHOUSE_CLIENT_CERT_SOURCES\[0\]/);
  assert.match(more.join('\n'), /GATEHOUSE_CLIENT_CERT_SECRET\[0\]: must be at least 16 characters/);
  assert.match(more.join('\n'), /list 1 of 1 is not signed by any CA/);
  assert.deepEqual(problemsOf({ GATEHOUSE_CLIENT_CA_FILE: certs.clients.alice.keyFile, GATEHOUSE_CLIENT_CERT_SOURCES: '10.0.0.0/8' }), [
    'GATEHOUSE_CLIENT_CA_FILE does not hold a PEM certificate (-----BEGIN CERTIFICATE-----)',
  ]);
});

test('the client_certificates section: groups by username, every mistake named', () => {
  assert.deepEqual(parseClientCertSection({ groups: { alice: ['admins', 'admins'], bob: 'ops' } }, []), { alice: ['admins'], bob: ['ops'] });
  const problems: string[] = [];
  parseClientCertSection({ groups: { carol: ['a,b'], dave: [1], erin: ['x\u0007'] }, group: {} }, problems);
  parseClientCertSection('nonsense', problems);
  parseClientCertSection({ groups: [] }, problems);
  assert.deepEqual(problems, [
    'client_certificates: unknown key "group"; known: groups',
    'client_certificates.groups."carol": must be a list of group names (non-empty, no comma or control character, at most 255 characters)',
    'client_certificates.groups."dave": must be a list of group names (non-empty, no comma or control character, at most 255 characters)',
    'client_certificates.groups."erin": must be a list of group names (non-empty, no comma or control character, at most 255 characters)',
    'client_certificates: must be a mapping with groups',
    'client_certificates.groups: must map a certificate username to a list of groups',
  ]);
});

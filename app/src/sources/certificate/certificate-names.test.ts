import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { createClientCertificates, type ClientCertificates } from '../../../../e2e/support/client-certificates.ts';
import { isDescendantOf, parseDn } from '../../identity/role-mapping/distinguished-name.ts';
import { attributeValues, escapeDnValue, formatDn, readCertificateNames } from './certificate-names.ts';
import { X509Certificate } from 'node:crypto';

let certs: ClientCertificates;
before(async () => {
  certs = await createClientCertificates();
});
after(() => certs.remove());

const der = (pem: string): Buffer => new X509Certificate(pem).raw;

test('RFC 4514 escaping: the special characters, a leading # or space, a trailing space, NUL', () => {
  assert.equal(escapeDnValue('Doe, John'), 'Doe\\, John');
  assert.equal(escapeDnValue('a+b;c<d>e"f\\g'), 'a\\+b\\;c\\<d\\>e\\"f\\\\g');
  assert.equal(escapeDnValue('#x'), '\\#x');
  assert.equal(escapeDnValue(' sp '), '\\ sp\\ ');
  assert.equal(escapeDnValue('a\0b'), 'a\\00b');
  assert.equal(escapeDnValue('Zoë = ok'), 'Zoë = ok');
});

test("a certificate's names: attributes in order, the DN leaf first, the alternative names by kind", () => {
  const alice = readCertificateNames(der(certs.clients.alice.pem));
  assert.deepEqual(attributeValues(alice, 'OU'), ['admins', 'devs']);
  assert.equal(alice.dn, 'CN=alice,OU=devs,OU=admins,O=Example');
  assert.deepEqual(alice.emails, ['alice@example.com']);
  assert.deepEqual(alice.uris, ['spiffe://example.com/user/alice']);
  assert.deepEqual(alice.dnsNames, []);
  const doe = readCertificateNames(der(certs.clients.doe.pem));
  assert.deepEqual(attributeValues(doe, 'CN'), ['Doe, John']);
});

test("the escaped comma survives the role mappings' DN parser: one CN, under OU=ops,O=Example", () => {
  const dn = parseDn(readCertificateNames(der(certs.clients.doe.pem)).dn);
  assert.ok(dn);
  assert.equal(dn.rdns[0], 'cn=doe\\, john');
  const ancestor = parseDn('ou=ops,o=example');
  assert.ok(ancestor && isDescendantOf(dn, ancestor));
});

test('multi-valued RDNs join with +, and a type without a string form is written as OID=#hex', () => {
  const dn = formatDn([
    [{ oid: '2.5.4.10', type: 'O', value: 'Example' }],
    [
      { oid: '2.5.4.11', type: 'OU', value: 'x' },
      { oid: '2.5.4.11', type: 'OU', value: 'ops' },
    ],
    [{ oid: '1.2.3.4', type: '1.2.3.4', value: '', der: Buffer.from([0x02, 0x01, 0x05]) }],
  ]);
  assert.equal(dn, '1.2.3.4=#020105,OU=x+OU=ops,O=Example');
});

test('any value escaped and formatted parses back to itself', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\p{Cc}]/u.test(s) && s.trim() !== ''), (value) => {
      const parsed = parseDn(formatDn([[{ oid: '2.5.4.3', type: 'CN', value }]]));
      assert.ok(parsed, value);
      assert.equal(parsed.rdns.length, 1);
    }),
  );
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { certificateIdentity, type IdentityRules } from './certificate-identity.ts';
import { formatDn, type CertificateNames, type NameAttribute } from './certificate-names.ts';

const attr = (type: string, value: string): NameAttribute => ({ oid: type, type, value });
const names = (rdns: NameAttribute[][], sans: Partial<CertificateNames> = {}): CertificateNames => ({ rdns, dn: formatDn(rdns), emails: [], dnsNames: [], uris: [], ...sans });
const RULES: IdentityRules = { username: 'cn', groupsFromOu: true, groups: new Map() };
const detail = (n: CertificateNames, rules = RULES): string => {
  const made = certificateIdentity(n, rules);
  return made.ok ? `user ${made.identity.user}` : made.detail;
};

test('unusable names are refused with a detail that names the attribute and the code point, never the value', () => {
  assert.equal(detail(names([[attr('CN', 'a\u0007b')]])), "the subject's CN holds U+0007");
  assert.equal(detail(names([[attr('O', 'x\r\ny')], [attr('CN', 'bob')]])), "the subject's O holds U+000D");
  assert.equal(detail(names([[attr('CN', 'bob')]], { dnsNames: ['a\u202Eb'] })), 'a DNS alternative name holds U+202E');
  assert.equal(detail(names([[attr('CN', 'a\u2066b')]])), "the subject's CN holds U+2066");
  assert.equal(detail(names([[attr('CN', 'a')], [attr('CN', 'b')]])), 'the subject has 2 CNs; the username needs exactly one');
  assert.equal(detail(names([[attr('O', 'x')]])), 'the subject has 0 CNs; the username needs exactly one');
  assert.equal(detail(names([[attr('CN', ' bob')]])), 'the username starts or ends with whitespace');
  assert.equal(detail(names([[attr('CN', 'x'.repeat(256))]])), 'the username is longer than 255 characters');
  assert.match(detail(names([[attr('OU', 'Sales, EMEA')], [attr('CN', 'bob')]])), /OU holds a comma/);
});

test('a comma in the CN is part of the name; OUs with a comma are fine when they are not groups', () => {
  assert.equal(detail(names([[attr('CN', 'Doe, John')]])), 'user Doe, John');
  assert.equal(detail(names([[attr('OU', 'Sales, EMEA')], [attr('CN', 'bob')]]), { ...RULES, groupsFromOu: false }), 'user bob');
});

test('groups: OUs then the configured ones, each once; email only when it is an address', () => {
  const made = certificateIdentity(names([[attr('OU', 'ops')], [attr('OU', 'ops')], [attr('CN', 'bob')]], { emails: ['not an address', 'bob@example.com'] }), {
    ...RULES,
    groups: new Map([['bob', ['admins', 'ops']]]),
  });
  assert.ok(made.ok);
  assert.deepEqual(made.identity.groups, ['ops', 'admins']);
  assert.equal(made.identity.email, 'bob@example.com');
  assert.equal(made.identity.name, 'bob');
  assert.equal(made.identity.dn, 'CN=bob,OU=ops,OU=ops');
});

test('the username from the first SAN of a kind, and a clear refusal when there is none', () => {
  const n = names([[attr('CN', 'bob')]], { emails: ['bob@example.com', 'b@example.com'], uris: ['spiffe://td/ns/x/sa/y'], dnsNames: ['a.example.com'] });
  assert.equal(detail(n, { ...RULES, username: 'san-email' }), 'user bob@example.com');
  assert.equal(detail(n, { ...RULES, username: 'san-uri' }), 'user spiffe://td/ns/x/sa/y');
  assert.equal(detail(n, { ...RULES, username: 'san-dns' }), 'user a.example.com');
  assert.equal(detail(names([[attr('CN', 'bob')]]), { ...RULES, username: 'san-dns' }), 'the certificate has no DNS alternative name for the username');
});

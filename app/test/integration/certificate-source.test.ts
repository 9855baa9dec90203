/**
 * The certificate source in a running gatehouse: it keeps the source contract with certificates
 * made by openssl, and /oauth2/auth answers with the identity headers, the source, the groups a
 * route policy reads and the roles a DN role mapping gives, or 401 with the reason in the check
 * log — never 403 for a certificate nobody can be signed in with.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClientCertificates, type ClientCertificates } from '../../../e2e/support/client-certificates.ts';
import { sourceContract } from '../../src/sources/source.contract.ts';
import { createIdentitySources } from '../../src/sources/ordered-sources.ts';
import type { IdentitySource } from '../../src/sources/identity-source.ts';
import { startSourceServer, type SourceServer } from '../support/source-server.ts';

const CONFIG = `
version: 1
role_mappings:
  operators:
    enabled: true
    roles: [operator]
    rules: { field: { dn: "*,ou=ops,o=example" } }
client_certificates:
  groups:
    alice: [support]
`;

describe('certificate source in a running gatehouse', () => {
  let certs: ClientCertificates;
  let gatehouse: SourceServer;
  let source: IdentitySource;
  const nginx = (pem: string): Record<string, string> => ({ 'ssl-client-cert': encodeURIComponent(pem), 'ssl-client-verify': 'SUCCESS' });

  before(async () => {
    certs = await createClientCertificates();
    gatehouse = await startSourceServer(
      {
        GATEHOUSE_IDENTITY_SOURCES: 'certificate',
        GATEHOUSE_CLIENT_CA_FILE: certs.caBundleFile,
        GATEHOUSE_CLIENT_CRL_FILE: certs.crlFile,
        GATEHOUSE_CLIENT_CERT_SOURCES: '127.0.0.1/32,::1/128',
      },
      CONFIG,
    );
    source = createIdentitySources(gatehouse.server.deps).find((s) => s.name === 'certificate') as IdentitySource;
  });
  after(async () => {
    await gatehouse?.stop();
    await certs?.remove();
  });

  sourceContract({
    source: () => source,
    valid: () => nginx(certs.clients.alice.pem),
    user: 'alice',
    invalid: () => [nginx(certs.clients.otherCa.pem), nginx(certs.clients.expired.pem), nginx(certs.clients.control.pem), nginx(certs.clients.revoked.pem), { 'ssl-client-cert': 'garbage' }],
  });

  it('/oauth2/auth: the identity headers, the source, groups from the OUs and the file, roles from a DN role mapping', async () => {
    const alice = await gatehouse.check('', nginx(certs.clients.alice.pem));
    assert.equal(alice.status, 200);
    assert.equal(alice.headers['x-auth-request-user'], 'alice');
    assert.equal(alice.headers['x-auth-request-email'], 'alice@example.com');
    assert.equal(alice.headers['x-auth-request-groups'], 'admins,devs,support');
    assert.equal(alice.headers['x-auth-request-source'], 'certificate');
    const doe = await gatehouse.check('', nginx(certs.clients.doe.pem));
    assert.equal(doe.status, 200);
    assert.equal(doe.headers['x-auth-request-user'], 'Doe, John');
    assert.equal(doe.headers['x-auth-request-roles'], 'operator', 'CN=Doe\\, John,OU=ops,O=Example is under ou=ops,o=example');
  });

  it('a route policy reads the groups: 403 for a certificate user outside them', async () => {
    assert.equal((await gatehouse.check('?allowed_groups=admins', nginx(certs.clients.alice.pem))).status, 200);
    assert.equal((await gatehouse.check('?allowed_groups=admins', nginx(certs.clients.doe.pem))).status, 403);
  });

  it('unusable certificates are 401 with their reason in the check log, never 403', async () => {
    const cases = { expired: 'client-cert-expired', otherCa: 'client-cert-untrusted', noEku: 'client-cert-usage', control: 'client-cert-name-invalid', revoked: 'client-cert-revoked' } as const;
    for (const [name, reason] of Object.entries(cases)) {
      const res = await gatehouse.check('', nginx(certs.clients[name as keyof typeof cases].pem));
      assert.equal(res.status, 401, name);
      assert.equal(res.headers['x-auth-request-user'], undefined);
      for (let i = 0; i < 20 && !gatehouse.logs.some((l) => Array.isArray(l.reasons) && (l.reasons as string[]).includes(reason)); i++) await sleep(50);
      assert.ok(gatehouse.logs.some((l) => Array.isArray(l.reasons) && (l.reasons as string[]).includes(reason)), reason);
    }
    assert.ok(gatehouse.logs.some((l) => l.msg === 'client certificate refused' && l.detail === "the subject's CN holds U+0007"));
    assert.equal((await gatehouse.check('', {})).status, 401);
  });
});

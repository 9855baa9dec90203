/**
 * Each listed issuer's calls go out on a dispatcher of its own: through the egress proxy
 * (HTTP_PROXY/HTTPS_PROXY, a real tinyproxy whose log proves the way each call went) for discovery,
 * the key set and introspection alike, and with the issuer's own `ca_file` for TLS, else
 * GATEHOUSE_OIDC_CA_FILE's bundle, else the system CAs, which do not know a private CA: that issuer
 * then answers 503 for its tokens while the others still verify theirs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestCertificates, type TestCertificates } from '../../../e2e/support/tls-certificates.ts';
import { eventually } from '../support/eventually.ts';
import { startSourceServer, type SourceServer } from '../support/source-server.ts';
import { hasTinyproxy, startTinyproxy, type Tinyproxy } from '../support/tinyproxy.ts';
import { startTlsProvider, type TlsProvider } from '../support/tls-provider.ts';
import { OPAQUE_API, startTokenIdps, type TokenIdps } from '../support/token-idps.ts';

describe('each issuer on its own dispatcher', { skip: hasTinyproxy() ? false : 'tinyproxy is not installed (scripts/install-system-deps.sh)' }, () => {
  let proxy: Tinyproxy;
  let idps: TokenIdps;
  let certificates: TestCertificates;
  let tls: TlsProvider;
  let dir: string;
  const running: SourceServer[] = [];

  before(async () => {
    proxy = await startTinyproxy();
    idps = await startTokenIdps();
    certificates = await createTestCertificates();
    tls = await startTlsProvider({ cert: readFileSync(certificates.certFile, 'utf8'), key: readFileSync(certificates.keyFile, 'utf8') });
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-issuer-egress-'));
    writeFileSync(join(dir, 'secret'), idps.introspectionSecret);
  });
  after(async () => {
    for (const gatehouse of running) await gatehouse.stop();
    await tls?.close();
    await idps?.close();
    await proxy?.stop();
    if (certificates) rmSync(certificates.dir, { recursive: true, force: true });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string>, issuers: string): Promise<SourceServer> => {
    const gatehouse = await startSourceServer({ GATEHOUSE_IDENTITY_SOURCES: 'bearer', GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP: 'true', ...env }, `bearer:\n  issuers:\n${issuers}`);
    running.push(gatehouse);
    return gatehouse;
  };
  const through = async (origin: string): Promise<string[]> => {
    const host = new URL(origin).host;
    return (await proxy.requests()).filter((line) => line.includes(`://${host}/`) || line.startsWith(`CONNECT ${host} `));
  };

  it('HTTP_PROXY: discovery, the key set and introspection of a listed issuer go through the proxy', async () => {
    const gatehouse = await start(
      { HTTP_PROXY: proxy.url, GATEHOUSE_IDENTITY_SOURCES: 'bearer,introspection' },
      `    - { issuer: "${idps.staff.issuer}", audiences: ["${OPAQUE_API}"], introspection: { client_id: gatehouse-introspector, client_secret_file: ${join(dir, 'secret')} } }\n`,
    );
    assert.equal((await gatehouse.check('', { authorization: `Bearer ${await idps.ciToken(OPAQUE_API)}` })).status, 200);
    const lines = await through(idps.staff.issuer);
    for (const path of ['/.well-known/openid-configuration', '/jwks', '/token/introspection']) {
      assert.ok(lines.some((line) => line.includes(`${idps.staff.issuer}${path} `)), `${path} not through the proxy:\n${lines.join('\n')}`);
    }
  });

  it('TLS: an issuer’s own ca_file is trusted for it; without one the system CAs refuse a private CA, and only that issuer fails', async () => {
    const issuers = (caFile: string): string =>
      `    - { issuer: "${tls.issuer}", audiences: [gatehouse]${caFile} }\n    - { issuer: "${idps.partner.issuer}", audiences: ["https://api.example.test"] }\n`;
    const trusted = await start({}, issuers(`, ca_file: ${certificates.caFile}`));
    await eventually(async () => assert.equal((await trusted.check('', { authorization: `Bearer ${await tls.token('gatehouse')}` })).status, 200));
    const untrusted = await start({}, issuers(''));
    assert.equal((await untrusted.check('', { authorization: `Bearer ${await tls.token('gatehouse')}` })).status, 503);
    assert.equal((await untrusted.check('', { authorization: `Bearer ${await idps.deployToken()}` })).status, 200);
    const failed = untrusted.logs.find((line) => line.msg === 'outbound call failed' && line.target === 'issuer discovery');
    assert.match(String(failed?.cause), /TLS error: unknown CA/);
    const fromEnv = await start({ GATEHOUSE_OIDC_CA_FILE: certificates.caFile }, issuers(''));
    await eventually(async () => assert.equal((await fromEnv.check('', { authorization: `Bearer ${await tls.token('gatehouse')}` })).status, 200));
  });
});

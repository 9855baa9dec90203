/**
 * The OpenID Provider behind a certificate from a private CA: with GATEHOUSE_OIDC_CA_FILE gatehouse
 * trusts it for discovery and the JWKS; without it, or for a host signed by another CA, each failed
 * call is logged with its target, URL and "TLS error: unknown CA", and checks answer 503.
 */
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { createTestCertificates, type TestCertificates } from '../../../e2e/support/tls-certificates.ts';
import { eventually } from '../support/eventually.ts';
import { startSourceServer, type SourceServer } from '../support/source-server.ts';
import { startTlsProvider, type TlsProvider } from '../support/tls-provider.ts';

const CLIENT = 'gatehouse';

/** Bearer-token gatehouse for `issuer`; discovery and the JWKS are its only provider calls. */
function bearerEnv(issuer: string, extra: Record<string, string> = {}): Record<string, string> {
  return { GATEHOUSE_AUTH_PROVIDER: 'oidc', GATEHOUSE_OIDC_ISSUER_URL: issuer, GATEHOUSE_OIDC_CLIENT_ID: CLIENT, GATEHOUSE_OIDC_TIMEOUT: '2s', ...extra };
}

const failures = (gatehouse: SourceServer) => gatehouse.logs.filter((line) => line.msg === 'outbound call failed');

describe('an OpenID Provider with a certificate from a private CA', () => {
  let certificates: TestCertificates;
  let foreign: TestCertificates;
  let provider: TlsProvider;
  const running: SourceServer[] = [];
  const start = async (env: Record<string, string>): Promise<SourceServer> => {
    const gatehouse = await startSourceServer(env);
    running.push(gatehouse);
    return gatehouse;
  };
  before(async () => {
    [certificates, foreign] = await Promise.all([createTestCertificates(), createTestCertificates()]);
    provider = await startTlsProvider({ cert: await readFile(certificates.certFile, 'utf8'), key: await readFile(certificates.keyFile, 'utf8') });
  });
  after(async () => {
    for (const gatehouse of running) await gatehouse.stop();
    await provider?.close();
    for (const made of [certificates, foreign]) if (made) await rm(made.dir, { recursive: true, force: true });
  });

  it('with GATEHOUSE_OIDC_CA_FILE: discovery loads and a token is checked against the JWKS over TLS', async () => {
    const gatehouse = await start(bearerEnv(provider.issuer, { GATEHOUSE_OIDC_CA_FILE: certificates.caFile }));
    await eventually(async () => assert.ok(gatehouse.server.deps.idp.isReady()));
    const jwksBefore = provider.calls.jwks;
    const res = await gatehouse.check('', { authorization: `Bearer ${await provider.token(CLIENT)}` });
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-auth-request-user'], 'tls-tom');
    assert.equal(provider.calls.jwks, jwksBefore + 1);
    assert.deepEqual(failures(gatehouse), []);
  });

  it('without it: discovery fails, logged with the URL tried and "TLS error: unknown CA", and checks answer 503', async () => {
    const discoveryBefore = provider.calls.discovery;
    const gatehouse = await start(bearerEnv(provider.issuer));
    const url = `${provider.issuer}/.well-known/openid-configuration`;
    const retry = await eventually(async () => {
      const line = gatehouse.logs.find((entry) => entry.msg === 'OpenID Provider discovery failed');
      assert.ok(line);
      return line;
    });
    assert.equal(retry.url, url);
    assert.equal(retry.cause, 'TLS error: unknown CA');
    assert.equal(retry.level, 'warn');
    const [call] = failures(gatehouse);
    assert.deepEqual(
      { target: call?.target, url: call?.url, cause: call?.cause, code: call?.code },
      { target: 'provider discovery', url, cause: 'TLS error: unknown CA', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
    );
    const token = await provider.token(CLIENT);
    assert.equal((await gatehouse.check('', { authorization: `Bearer ${token}` })).status, 503);
    assert.equal(provider.calls.discovery, discoveryBefore, 'no request got past the handshake');
    assert.ok(!JSON.stringify(gatehouse.logs).includes(token), 'the token is never logged');
  });

  it('a JWKS on a host signed by another CA fails on its own, logged as the JWKS call', async () => {
    const keys = await startTlsProvider({ cert: await readFile(foreign.certFile, 'utf8'), key: await readFile(foreign.keyFile, 'utf8') });
    const split = await startTlsProvider({
      cert: await readFile(certificates.certFile, 'utf8'),
      key: await readFile(certificates.keyFile, 'utf8'),
      jwksUri: keys.jwksUri,
    });
    try {
      const gatehouse = await start(bearerEnv(split.issuer, { GATEHOUSE_OIDC_CA_FILE: certificates.caFile }));
      await eventually(async () => assert.ok(gatehouse.server.deps.idp.isReady()));
      const token = await split.token(CLIENT);
      assert.equal((await gatehouse.check('', { authorization: `Bearer ${token}` })).status, 503);
      const [call] = failures(gatehouse);
      assert.deepEqual(
        { target: call?.target, url: call?.url, cause: call?.cause },
        { target: 'provider JWKS', url: keys.jwksUri, cause: 'TLS error: unknown CA' },
      );
      assert.equal(keys.calls.jwks, 0);
      assert.ok(!JSON.stringify(gatehouse.logs).includes(token), 'the token is never logged');
    } finally {
      await split.close();
      await keys.close();
    }
  });
});

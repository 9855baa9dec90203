/**
 * Egress through a real forward proxy (tinyproxy): with HTTP_PROXY or HTTPS_PROXY set, the
 * provider's discovery, token and JWKS calls and the Elasticsearch calls go through it, loopback
 * included (undici exempts no host by itself); a host in NO_PROXY is reached directly; a proxy
 * that refuses the tunnel is logged as such. tinyproxy's own log proves which way each call went.
 */
import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startElasticsearchStandIn } from '../../../e2e/stand-ins/elasticsearch/stand-in.ts';
import { createTestCertificates, type TestCertificates } from '../../../e2e/support/tls-certificates.ts';
import { eventually } from '../support/eventually.ts';
import { startHarness } from '../support/harness.ts';
import { startSourceServer, type SourceServer } from '../support/source-server.ts';
import { hasTinyproxy, startTinyproxy, type Tinyproxy } from '../support/tinyproxy.ts';
import { startTlsProvider, type TlsProvider } from '../support/tls-provider.ts';

const SECRET = 'upstream-secret-0123456789abcdef';

describe('egress through a forward proxy', { skip: hasTinyproxy() ? false : 'tinyproxy is not installed (scripts/install-system-deps.sh)' }, () => {
  let proxy: Tinyproxy;
  let certificates: TestCertificates;
  let provider: TlsProvider;
  before(async () => {
    proxy = await startTinyproxy();
    certificates = await createTestCertificates();
    provider = await startTlsProvider({ cert: await readFile(certificates.certFile, 'utf8'), key: await readFile(certificates.keyFile, 'utf8') });
  });
  after(async () => {
    await provider?.close();
    await proxy?.stop();
    if (certificates) await rm(certificates.dir, { recursive: true, force: true });
  });

  /** The proxy's request lines that name `origin` (`GET http://host:port/…` or `CONNECT host:port`). */
  const through = async (origin: string): Promise<string[]> => {
    const host = new URL(origin).host;
    return (await proxy.requests()).filter((line) => line.includes(`://${host}/`) || line.startsWith(`CONNECT ${host} `));
  };

  it('HTTP_PROXY: a sign-in’s discovery, token and JWKS calls go through the proxy, 127.0.0.1 included', async () => {
    const harness = await startHarness({ HTTP_PROXY: proxy.url });
    try {
      await harness.signIn('alice');
      const jwksUri = harness.server.deps.idp.endpoints()?.jwksUri;
      const lines = await through(harness.idp.issuer);
      assert.ok(lines.includes(`GET ${harness.idp.issuer}/.well-known/openid-configuration HTTP/1.1`), lines.join('\n'));
      assert.ok(lines.some((line) => line.startsWith(`POST ${harness.idp.issuer}/token `)), lines.join('\n'));
      assert.ok(lines.includes(`GET ${jwksUri} HTTP/1.1`), lines.join('\n'));
    } finally {
      await harness.stop();
    }
  });

  it('NO_PROXY: a listed host is reached directly, the proxy sees nothing of it', async () => {
    const harness = await startHarness({ HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
    try {
      await harness.signIn('bob');
      assert.deepEqual(await through(harness.idp.issuer), []);
    } finally {
      await harness.stop();
    }
  });

  describe('with gatehouse checking Bearer tokens from a TLS provider', () => {
    const running: SourceServer[] = [];
    const start = async (proxyUrl: string): Promise<SourceServer> => {
      const gatehouse = await startSourceServer({
        GATEHOUSE_AUTH_PROVIDER: 'oidc',
        GATEHOUSE_OIDC_ISSUER_URL: provider.issuer,
        GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
        GATEHOUSE_OIDC_CA_FILE: certificates.caFile,
        HTTPS_PROXY: proxyUrl,
      });
      running.push(gatehouse);
      return gatehouse;
    };
    after(async () => {
      for (const gatehouse of running) await gatehouse.stop();
    });

    it('HTTPS_PROXY: discovery and the JWKS go through a CONNECT tunnel, the private CA checked end to end', async () => {
      const gatehouse = await start(proxy.url);
      await eventually(async () => assert.ok(gatehouse.server.deps.idp.isReady()));
      const res = await gatehouse.check('', { authorization: `Bearer ${await provider.token('gatehouse')}` });
      assert.equal(res.status, 200);
      const tunnels = await through(provider.issuer);
      assert.ok(tunnels.length >= 1 && tunnels.every((line) => line === `CONNECT 127.0.0.1:${provider.port} HTTP/1.1`), tunnels.join('\n'));
      assert.ok(provider.calls.jwks >= 1);
    });

    it('a proxy that refuses the tunnel: discovery fails, logged with the URL and "proxy refused (403)"', async () => {
      // tinyproxy answers 403 to a CONNECT to any port but the listed one.
      const refusing = await startTinyproxy({ connectPorts: [443] });
      try {
        const gatehouse = await start(refusing.url);
        const line = await eventually(async () => {
          const found = gatehouse.logs.find((entry) => entry.msg === 'OpenID Provider discovery failed');
          assert.ok(found);
          return found;
        });
        assert.equal(line.url, `${provider.issuer}/.well-known/openid-configuration`);
        assert.equal(line.cause, 'proxy refused (403)');
        const call = gatehouse.logs.find((entry) => entry.msg === 'outbound call failed');
        assert.equal(call?.target, 'provider discovery');
        assert.equal(call?.cause, 'proxy refused (403)');
      } finally {
        await refusing.stop();
      }
    });
  });

  it('the Elasticsearch backend’s calls go through the proxy too', async () => {
    const es = await startElasticsearchStandIn();
    const gatehouse = await startSourceServer({
      GATEHOUSE_AUTH_PROVIDER: 'authelia',
      GATEHOUSE_TRUSTED_HEADER_SECRET: SECRET,
      GATEHOUSE_BACKEND: 'elasticsearch',
      GATEHOUSE_ELASTICSEARCH_HOSTS: es.url,
      GATEHOUSE_ELASTICSEARCH_USERNAME: es.admin.username,
      GATEHOUSE_ELASTICSEARCH_PASSWORD: es.admin.password,
      HTTP_PROXY: proxy.url,
    }, 'default_roles: [kibana_user]\n');
    try {
      const res = await gatehouse.check('', { 'x-gatehouse-upstream-secret': SECRET, 'remote-user': 'dora' });
      assert.equal(res.status, 200);
      assert.match(String(res.headers.authorization), /^Basic /);
      const lines = await through(es.url);
      assert.ok(lines.some((line) => line.startsWith(`PUT ${es.url}/_security/user/dora `)), lines.join('\n'));
    } finally {
      await gatehouse.stop();
      await es.close();
      // startSourceServer wrote the config file into a directory of its own.
      const configFile = gatehouse.server.deps.config.configFile;
      if (configFile) await rm(dirname(configFile), { recursive: true, force: true });
    }
  });
});

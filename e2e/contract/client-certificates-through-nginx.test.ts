/**
 * X.509 client certificates through real nginx rendered as ingress-nginx renders an Ingress with
 * `auth-tls-secret`, `auth-tls-verify-client`, `auth-tls-pass-certificate-to-upstream`, `auth-url`
 * and `auth-response-headers`: nginx terminates TLS, asks for the certificate, and hands it to
 * gatehouse's /oauth2/auth in `ssl-client-cert: $ssl_client_escaped_cert` with its own verdict in
 * `ssl-client-verify`. gatehouse checks the certificate again against its own bundle and list, so
 * what nginx lets through (no ClientAuth usage, a control character, a revoked serial, a CA that
 * only nginx trusts) is still refused, and a client's own ssl-client-cert never counts.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startNginx, type NginxHandle } from '../nginx/start-nginx.ts';
import type { AuthTlsOptions } from '../nginx/render-conf.ts';
import { DEFAULT_AUTH_RESPONSE_HEADERS } from '../nginx/ingresses.ts';
import { startGatehouse, type GatehouseProcess } from '../stack/gatehouse-process.ts';
import { createClientCertificates, type ClientCertificates, type IssuedCertificate } from '../support/client-certificates.ts';
import { freePorts } from '../support/ports.ts';
import { startEchoApp, type EchoApp, type EchoResponse } from '../upstream/echo-app.ts';

interface Answer {
  readonly status: number;
  readonly body: string;
  /** What the app saw, when nginx let the request through. */
  readonly app: EchoResponse['headers'] | undefined;
}

/** One HTTPS request to nginx, presenting `client` when given. */
function get(port: number, ca: string, client: IssuedCertificate | undefined, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/orders',
        servername: 'localhost',
        headers: { host: 'localhost', accept: 'application/json', ...headers },
        ca,
        ...(client && { cert: readFileSync(client.certFile), key: readFileSync(client.keyFile) }),
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          const app = res.statusCode === 200 ? (JSON.parse(body) as EchoResponse).headers : undefined;
          resolve({ status: res.statusCode ?? 0, body, app });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

describe('client certificates through ingress-nginx (real nginx, auth-tls annotations)', () => {
  let certs: ClientCertificates;
  let echo: EchoApp;
  let gatehouse: GatehouseProcess;
  const proxies: NginxHandle[] = [];
  let optional: NginxHandle;
  let noCa: NginxHandle;

  const nginxWith = async (caFile: string, verifyClient: AuthTlsOptions['verifyClient']): Promise<NginxHandle> => {
    const nginx = await startNginx({
      gatehousePorts: [gatehouse.port],
      upstreamPort: echo.port,
      ingresses: [{ name: 'api', path: '/api', authQuery: '', signin: 'none' }],
      responseHeaders: [...DEFAULT_AUTH_RESPONSE_HEADERS, 'X-Auth-Request-Source'],
      authTls: { certFile: certs.server.certFile, keyFile: certs.server.keyFile, caFile, verifyClient, passCertificate: true },
    });
    proxies.push(nginx);
    return nginx;
  };

  before(async () => {
    certs = await createClientCertificates();
    echo = await startEchoApp();
    const [port, metricsPort] = await freePorts(2);
    gatehouse = await startGatehouse({
      port: port as number,
      metricsPort: metricsPort as number,
      env: {
        GATEHOUSE_LISTEN_HOST: '127.0.0.1',
        GATEHOUSE_PORT: String(port),
        GATEHOUSE_METRICS_PORT: String(metricsPort),
        GATEHOUSE_IDENTITY_SOURCES: 'certificate',
        GATEHOUSE_CLIENT_CA_FILE: certs.caBundleFile,
        GATEHOUSE_CLIENT_CRL_FILE: certs.crlFile,
        GATEHOUSE_CLIENT_CERT_SOURCES: '127.0.0.1/32,::1/128',
        GATEHOUSE_LOG_LEVEL: 'info',
      },
    });
    // nginx knows only the client CA and no revocation list: gatehouse's own checks are the ones left.
    optional = await nginxWith(certs.caBundleFile, 'optional');
    // nginx asks for any certificate and trusts the other CA too: gatehouse still trusts only its own.
    noCa = await nginxWith(certs.bothCasFile, 'optional_no_ca');
  });
  after(async () => {
    for (const nginx of proxies) await nginx.stop();
    await gatehouse?.stop();
    await echo?.close();
    await certs?.remove();
  });

  /** Check lines are written in batches: waits up to 2 s for `pattern` in gatehouse's log. */
  const logged = async (pattern: RegExp): Promise<void> => {
    for (let i = 0; i < 40 && !pattern.test(gatehouse.logs()); i++) await sleep(50);
    assert.match(gatehouse.logs(), pattern);
  };
  const through = (nginx: NginxHandle, client?: IssuedCertificate, headers?: Record<string, string>) => get(nginx.port, certs.ca.pem, client, headers);

  it('a valid certificate: 200, and the app gets the identity headers and nginx\'s certificate headers', async () => {
    const alice = await through(optional, certs.clients.alice);
    assert.equal(alice.status, 200, alice.body);
    assert.equal(alice.app?.['x-auth-request-user'], 'alice');
    assert.equal(alice.app?.['x-auth-request-groups'], 'admins,devs');
    assert.equal(alice.app?.['x-auth-request-email'], 'alice@example.com');
    assert.equal(alice.app?.['x-auth-request-source'], 'certificate');
    assert.equal(alice.app?.['ssl-client-verify'], 'SUCCESS');
    assert.equal(decodeURIComponent(String(alice.app?.['ssl-client-cert'])), certs.clients.alice.pem);
  });

  it('the escaped comma of CN=Doe\\, John is read as one name', async () => {
    const doe = await through(optional, certs.clients.doe);
    assert.equal(doe.status, 200, doe.body);
    assert.equal(doe.app?.['x-auth-request-user'], 'Doe, John');
    assert.equal(doe.app?.['ssl-client-subject-dn'], 'CN=Doe\\, John,OU=ops,O=Example', "nginx's own RFC 2253 form");
  });

  it('what nginx lets through but gatehouse refuses: no ClientAuth usage, a control character, a revoked serial — 401 with the reason logged', async () => {
    const cases = [
      [certs.clients.noEku, 'client-cert-usage'],
      [certs.clients.control, 'client-cert-name-invalid'],
      [certs.clients.bidi, 'client-cert-name-invalid'],
      [certs.clients.revoked, 'client-cert-revoked'],
      [certs.clients.serverAuth, 'client-cert-usage'],
    ] as const;
    for (const [client, reason] of cases) {
      const answer = await through(optional, client);
      assert.equal(answer.status, 401, reason);
      assert.equal(answer.app, undefined);
      await logged(new RegExp(`"reasons":\\["${reason}"\\]`));
    }
    assert.match(gatehouse.logs(), /"detail":"the subject's CN holds U\+0007"/);
  });

  it('no certificate: 401 from gatehouse (client-cert-missing); expired or foreign ones nginx refuses itself under optional', async () => {
    const none = await through(optional);
    assert.equal(none.status, 401);
    await logged(/"reasons":\["client-cert-missing"\]/);
    assert.equal((await through(optional, certs.clients.expired)).status, 400);
    assert.equal((await through(optional, certs.clients.otherCa)).status, 400);
  });

  it("optional_no_ca: nginx says SUCCESS for the other CA's certificate, FAILED for one whose issuer it lacks; gatehouse refuses both", async () => {
    const foreign = await through(noCa, certs.clients.otherCa);
    assert.equal(foreign.status, 401);
    await logged(/"detail":"not issued by a CA of GATEHOUSE_CLIENT_CA_FILE/);
    // optional_no_ca forgives only issuer errors (ngx_ssl_verify_error_optional): nginx passes the
    // certificate on with its verdict, which gatehouse never overrules.
    const unknownIssuer = await through(noCa, certs.clients.viaIntermediate);
    assert.equal(unknownIssuer.status, 401);
    await logged(/the proxy's own check says \\"FAILED:unable to/);
    assert.equal((await through(noCa, certs.clients.expired)).status, 400, 'an expired certificate is not an issuer error: nginx refuses it');
    assert.equal((await through(noCa, certs.clients.alice)).status, 200);
  });

  it("a client's own ssl-client-cert and ssl-client-verify change nothing: nginx sets both, and drops them without a certificate", async () => {
    const forged = { 'ssl-client-cert': encodeURIComponent(certs.clients.alice.pem), 'ssl-client-verify': 'SUCCESS', 'ssl-client-subject-dn': 'CN=alice' };
    const asDoe = await through(optional, certs.clients.doe, forged);
    assert.equal(asDoe.status, 200);
    assert.equal(asDoe.app?.['x-auth-request-user'], 'Doe, John', "gatehouse judged nginx's certificate, not the client's");
    assert.equal(decodeURIComponent(String(asDoe.app?.['ssl-client-cert'])), certs.clients.doe.pem, "the app too sees nginx's value");
    assert.equal(asDoe.app?.['ssl-client-subject-dn'], 'CN=Doe\\, John,OU=ops,O=Example');
    const anonymous = await through(optional, undefined, forged);
    assert.equal(anonymous.status, 401, "without a certificate nginx sends no ssl-client-cert at all, the client's included");
    await logged(/"reasons":\["client-cert-missing"\]/);
  });
});

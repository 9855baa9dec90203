/**
 * Client certificates through Envoy and Traefik, replayed against a real gatehouse with the
 * certificate source (no Envoy or Traefik binary runs here):
 * - Envoy Gateway: a ClientTrafficPolicy with tls.clientValidation and headers.xForwardedClientCert
 *   {mode: SanitizeSet, certDetailsToAdd: [Cert]} makes the connection manager replace any client
 *   x-forwarded-client-cert with its own element (conn_manager_utility.cc mutateXfccRequestHeader,
 *   which also removes the header on a connection without a client certificate); the SecurityPolicy's
 *   headersToExtAuth must list x-forwarded-client-cert for /oauth2/ext-authz to see it;
 * - Traefik: the entry point deletes a client's X-Forwarded-Tls-Client-Cert (forwarded_header.go),
 *   then passTLSClientCert {pem: true}, placed before forwardAuth in the router's chain, sets it from
 *   the TLS connection (pass_tls_client_cert.go), and forwardAuth copies it to /oauth2/forward-auth.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createClientCertificates, type ClientCertificates } from '../support/client-certificates.ts';
import { envoyXfccElement, traefikClientCertHeader } from '../support/client-cert-headers.ts';
import { clientRequest, fetchHeaders, IDENTITY_HEADERS } from './client-request.ts';
import { envoyGateway } from './envoy-family.ts';
import { headerOf, headersOf, type RawHeader } from './raw-http.ts';
import { through } from './proxy-scenarios.ts';
import { startReplayHarness, type ReplayHarness } from './replay-harness.ts';
import { canonical, traefik, type TraefikMiddleware } from './traefik-forward-auth.ts';

const XFCC = 'x-forwarded-client-cert';
const UPSTREAM = [...IDENTITY_HEADERS, 'x-auth-request-source'];

/**
 * The request headers after Envoy's connection manager for a client presenting `pem` (undefined:
 * no client certificate): SANITIZE_SET drops the client's copy and sets the element; APPEND_FORWARD
 * appends it to the client's; both drop the header on a connection without a certificate.
 */
function afterConnectionManager(headers: readonly RawHeader[], mode: 'SANITIZE_SET' | 'APPEND_FORWARD', pem: string | undefined): RawHeader[] {
  const own = headers.filter(([n]) => n.toLowerCase() !== XFCC);
  if (pem === undefined) return own;
  const element = envoyXfccElement(pem, { by: 'spiffe://cluster.local/ns/envoy-gateway-system/sa/envoy', cert: true, subject: true, uri: true, dns: true });
  const forwarded = headers.find(([n]) => n.toLowerCase() === XFCC)?.[1];
  return [...own, [XFCC, mode === 'APPEND_FORWARD' && forwarded ? `${forwarded},${element}` : element]];
}

/** passTLSClientCert {pem: true} for a connection presenting `pems` (leaf first), or none. */
function passTlsClientCert(pems: readonly string[] | undefined): TraefikMiddleware {
  return (headers) => {
    if (pems !== undefined) headers.set('X-Forwarded-Tls-Client-Cert', [traefikClientCertHeader(pems)]);
  };
}

describe('client certificates through Envoy and Traefik (replayed)', () => {
  let certs: ClientCertificates;
  let envoySide: ReplayHarness;
  let traefikSide: ReplayHarness;
  before(async () => {
    certs = await createClientCertificates();
    const common = { GATEHOUSE_IDENTITY_SOURCES: 'session,certificate', GATEHOUSE_CLIENT_CA_FILE: certs.caBundleFile, GATEHOUSE_CLIENT_CRL_FILE: certs.crlFile, GATEHOUSE_CLIENT_CERT_SOURCES: '127.0.0.0/8' };
    envoySide = await startReplayHarness({ ...common, GATEHOUSE_CLIENT_CERT_FORMAT: 'envoy-xfcc' });
    traefikSide = await startReplayHarness({ ...common, GATEHOUSE_CLIENT_CERT_FORMAT: 'traefik' });
  });
  after(async () => {
    await envoySide?.stop();
    await traefikSide?.stop();
    await certs?.remove();
  });

  const gateway = (headersToExtAuth = ['cookie', 'authorization', 'accept', XFCC]) =>
    envoyGateway(envoySide.port, { http: { path: '/oauth2/ext-authz', headersToBackend: UPSTREAM }, headersToExtAuth });
  const viaEnvoy = (pem: string | undefined, extra: RawHeader[] = [], mode: 'SANITIZE_SET' | 'APPEND_FORWARD' = 'SANITIZE_SET') =>
    clientRequest('/api/orders', afterConnectionManager([...fetchHeaders(), ...extra], mode, pem));

  it('Envoy Gateway, SanitizeSet with Cert: the ext_authz check carries the element, the app gets the certificate user', async () => {
    const replay = await through(gateway(), viaEnvoy(certs.clients.alice.pem));
    assert.match(headerOf(replay.check, XFCC) ?? '', /^By=spiffe:\/\/cluster\.local\/[^;]+;Hash=[0-9a-f]{64};Cert="-----BEGIN%20CERTIFICATE-----%0A/);
    assert.equal(replay.auth.status, 200);
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-user'), ['alice']);
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-groups'), ['admins,devs']);
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-source'), ['certificate']);
  });

  it("a client's own x-forwarded-client-cert: replaced under SanitizeSet, dropped without a client certificate, refused when appended to", async () => {
    const forged: RawHeader[] = [[XFCC, envoyXfccElement(certs.clients.alice.pem, { cert: true })]];
    const replaced = await through(gateway(), viaEnvoy(certs.clients.doe.pem, forged));
    assert.deepEqual(headersOf(replaced.upstream, 'x-auth-request-user'), ['Doe, John']);
    const anonymous = await through(gateway(), viaEnvoy(undefined, forged));
    assert.equal(anonymous.client?.status, 401, 'no client certificate: Envoy removes the header');
    // AppendForward at the edge keeps the client's element in front of Envoy's: two elements, and
    // GATEHOUSE_CLIENT_CERT_XFCC_ELEMENT=only (the default) refuses rather than guess.
    const appended = await through(gateway(), viaEnvoy(certs.clients.doe.pem, forged, 'APPEND_FORWARD'));
    assert.equal(appended.client?.status, 401);
    assert.match(headerOf(appended.check, XFCC) ?? '', /^Hash=[0-9a-f]{64};Cert="[^"]+",By=spiffe:/, "the client's element, then Envoy's");
  });

  it('gatehouse refuses what Envoy accepted, and headersToExtAuth must list x-forwarded-client-cert', async () => {
    for (const pem of [certs.clients.revoked.pem, certs.clients.control.pem, certs.clients.noEku.pem]) {
      assert.equal((await through(gateway(), viaEnvoy(pem))).client?.status, 401);
    }
    const unlisted = await through(gateway(['cookie', 'authorization', 'accept']), viaEnvoy(certs.clients.alice.pem));
    assert.equal(headerOf(unlisted.check, XFCC), undefined);
    assert.equal(unlisted.client?.status, 401);
  });

  const middleware = (query = '') => ({
    address: `${traefikSide.origin}/oauth2/forward-auth${query === '' ? '' : `?${query}`}`,
    authResponseHeaders: UPSTREAM.map(canonical),
  });
  const viaTraefik = (pems: readonly string[] | undefined, query = '', extra: RawHeader[] = []) =>
    through(traefik(middleware(query), {}, [passTlsClientCert(pems)]), clientRequest('/api/orders', [...fetchHeaders(), ...extra]));

  it('Traefik passTLSClientCert then forwardAuth: the leaf of the chain is the user, route policies read its groups', async () => {
    const replay = await viaTraefik([certs.clients.alice.pem, certs.ca.pem]);
    assert.equal(headerOf(replay.check, 'x-forwarded-tls-client-cert')?.split(',').length, 2);
    assert.equal(replay.auth.status, 200);
    assert.deepEqual(headersOf(replay.upstream, 'X-Auth-Request-User'), ['alice']);
    assert.deepEqual(headersOf(replay.upstream, 'X-Auth-Request-Source'), ['certificate']);
    assert.equal((await viaTraefik([certs.clients.doe.pem], 'allowed_groups=admins')).client?.status, 403);
    assert.equal((await viaTraefik([certs.clients.doe.pem], 'allowed_groups=ops')).auth.status, 200);
  });

  it("a client's own X-Forwarded-Tls-Client-Cert is deleted by the entry point: without TLS client auth there is no certificate", async () => {
    const forged: RawHeader[] = [['X-Forwarded-Tls-Client-Cert', traefikClientCertHeader([certs.clients.alice.pem])]];
    const anonymous = await viaTraefik(undefined, '', forged);
    assert.equal(headerOf(anonymous.check, 'x-forwarded-tls-client-cert'), undefined);
    assert.equal(anonymous.client?.status, 401);
    const asDoe = await viaTraefik([certs.clients.doe.pem], '', forged);
    assert.deepEqual(headersOf(asDoe.upstream, 'X-Auth-Request-User'), ['Doe, John']);
    for (const pem of [certs.clients.expired.pem, certs.clients.otherCa.pem, certs.clients.bidi.pem]) assert.equal((await viaTraefik([pem])).client?.status, 401);
  });
});

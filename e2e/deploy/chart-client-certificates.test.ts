/**
 * The chart's clientCertificates values: the certificate source beside authProvider's, its
 * settings in the ConfigMap, the client CA bundle and revocation list mounted as files from an
 * existing Secret (the one auth-tls-secret names) or ConfigMap, the shared secret as a secret
 * file; refused without a CA or without a trusted proxy, and absent when not enabled.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderChart, templateChart } from './support/helm.ts';
import { at, only, parseManifests, type Manifest } from './support/manifests.ts';

const MINIMAL = 'chart/ci/default-values.yaml';
const ENABLED = { enabled: true, sources: ['10.0.0.0/8'], ca: { secret: 'client-ca', crlKey: 'ca.crl' } };

const settings = (manifests: readonly Manifest[]): Record<string, string> => only(manifests, 'ConfigMap')['data'] as Record<string, string>;
const podSpec = (manifests: readonly Manifest[]) => at(only(manifests, 'Deployment', 'gh-gatehouse'), 'spec', 'template', 'spec') as Record<string, unknown>;

describe('chart: client certificates', () => {
  it('enabled: the source after the primary one, its settings, and the CA bundle and list mounted from the Secret', async () => {
    const manifests = parseManifests(await renderChart({ valuesFiles: [MINIMAL], values: { clientCertificates: { ...ENABLED, format: 'envoy-xfcc', username: 'san-email' } } }));
    const env = settings(manifests);
    assert.equal(env.GATEHOUSE_IDENTITY_SOURCES, 'session,certificate');
    assert.equal(env.GATEHOUSE_CLIENT_CERT_FORMAT, 'envoy-xfcc');
    assert.equal(env.GATEHOUSE_CLIENT_CERT_USERNAME, 'san-email');
    assert.equal(env.GATEHOUSE_CLIENT_CERT_SOURCES, '10.0.0.0/8');
    assert.equal(env.GATEHOUSE_CLIENT_CA_FILE, '/etc/gatehouse/client-ca/ca.crt');
    assert.equal(env.GATEHOUSE_CLIENT_CRL_FILE, '/etc/gatehouse/client-ca/ca.crl');
    const spec = podSpec(manifests);
    const volume = (spec.volumes as Array<Record<string, unknown>>).find((v) => v.name === 'client-ca');
    assert.deepEqual(volume?.secret, { secretName: 'client-ca', defaultMode: 292, items: [{ key: 'ca.crt', path: 'ca.crt' }, { key: 'ca.crl', path: 'ca.crl' }] });
    const container = (spec.containers as Array<{ volumeMounts: Array<Record<string, unknown>> }>)[0];
    assert.deepEqual(container?.volumeMounts.find((m) => m.name === 'client-ca'), { name: 'client-ca', mountPath: '/etc/gatehouse/client-ca', readOnly: true });
  });

  it('from a ConfigMap, without a list, with the shared secret from an existing Secret as a file', async () => {
    const values = { clientCertificates: { enabled: true, existingSecret: 'proxy-cert-secret', ca: { configMap: 'client-ca', key: 'bundle.pem' } } };
    const manifests = parseManifests(await renderChart({ valuesFiles: [MINIMAL], values }));
    const env = settings(manifests);
    assert.equal(env.GATEHOUSE_CLIENT_CRL_FILE, undefined);
    const volume = (podSpec(manifests).volumes as Array<Record<string, unknown>>).find((v) => v.name === 'client-ca');
    assert.deepEqual(volume?.configMap, { name: 'client-ca', items: [{ key: 'bundle.pem', path: 'ca.crt' }] });
    const container = (podSpec(manifests).containers as Array<{ env: Array<{ name: string; value?: string }> }>)[0];
    assert.equal(container?.env.find((e) => e.name === 'GATEHOUSE_CLIENT_CERT_SECRET_FILE')?.value, '/etc/gatehouse/secrets/client-cert-secret');
  });

  it('refused without a CA bundle, without a trusted proxy, or with an unknown format; absent when not enabled', async () => {
    const noCa = await templateChart({ valuesFiles: [MINIMAL], values: { clientCertificates: { enabled: true, sources: ['10.0.0.0/8'] } } });
    assert.notEqual(noCa.code, 0);
    assert.match(noCa.stderr, /clientCertificates\.enabled needs clientCertificates\.ca\.secret or clientCertificates\.ca\.configMap/);
    const noProxy = await templateChart({ valuesFiles: [MINIMAL], values: { clientCertificates: { enabled: true, ca: { secret: 'client-ca' } } } });
    assert.match(noProxy.stderr, /needs clientCertificates\.sources and\/or existingSecret/);
    const format = await templateChart({ valuesFiles: [MINIMAL], values: { clientCertificates: { ...ENABLED, format: 'haproxy' } } });
    assert.notEqual(format.code, 0);
    const off = parseManifests(await renderChart({ valuesFiles: [MINIMAL] }));
    assert.deepEqual(Object.keys(settings(off)).filter((k) => k.startsWith('GATEHOUSE_CLIENT_')), []);
    assert.equal(settings(off).GATEHOUSE_IDENTITY_SOURCES, undefined);
    assert.equal((podSpec(off).volumes as Array<{ name: string }>).some((v) => v.name === 'client-ca'), false);
  });
});

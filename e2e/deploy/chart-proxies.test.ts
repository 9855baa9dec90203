/**
 * `proxy` names the proxy in front of the apps: NOTES.txt prints that proxy's wiring with the
 * endpoint it must ask (ingress-nginx's annotations as before). `trustedProxies` says whom
 * gatehouse believes X-Forwarded-* from, reaching the pod as GATEHOUSE_TRUSTED_PROXY_* with the
 * secret as a file; `signinUrl` becomes GATEHOUSE_SIGNIN_URL. A proxy that needs trust without
 * any, and malformed values, are refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderChart, renderNotes, templateChart } from './support/helm.ts';
import { at, only, parseManifests } from './support/manifests.ts';
import type { Manifest } from './support/manifests.ts';
import { defaultValues, mergeValues, schemaProblems, valuesFile } from './support/values.ts';

const MINIMAL = 'chart/ci/default-values.yaml';
const PROXY_SECRET = 'proxy-secret-0123456789abcdef';
const TRUST = { trustedProxies: { sources: ['10.42.0.0/16'], secret: PROXY_SECRET } };

/** Each proxy, and what its NOTES must name: the endpoint, as the proxy's own configuration writes it. */
const WIRING: readonly { readonly proxy: string; readonly endpoint: RegExp }[] = [
  { proxy: 'ingress-nginx', endpoint: /nginx\.ingress\.kubernetes\.io\/auth-url: "http:\/\/gh-gatehouse\.auth\.svc\.cluster\.local:4180\/oauth2\/auth"/ },
  { proxy: 'traefik', endpoint: /address: "http:\/\/gh-gatehouse\.auth\.svc\.cluster\.local:4180\/oauth2\/forward-auth"/ },
  { proxy: 'caddy', endpoint: /forward_auth gh-gatehouse\.auth\.svc\.cluster\.local:4180 \{\s+uri \/oauth2\/forward-auth\?\n/ },
  { proxy: 'envoy-gateway', endpoint: /backendRefs: \[\{name: gh-gatehouse, namespace: auth, port: 4180\}\]\s+path: \/oauth2\/ext-authz\n/ },
  { proxy: 'istio', endpoint: /service: gh-gatehouse\.auth\.svc\.cluster\.local\s+port: 4180\s+pathPrefix: \/oauth2\/ext-authz\n/ },
  { proxy: 'gateway-api', endpoint: /type: ExternalAuth[\s\S]*backendRef: \{name: gh-gatehouse, namespace: auth, port: 4180\}\s+http:\s+path: \/oauth2\/ext-authz\n/ },
  { proxy: 'nginx-gateway-fabric', endpoint: /type: ExternalAuth[\s\S]*http:\s+path: \/oauth2\/auth\n/ },
];

const settings = (manifests: readonly Manifest[]): Record<string, string> => only(manifests, 'ConfigMap')['data'] as Record<string, string>;
const proxySettings = (manifests: readonly Manifest[]): Record<string, string> =>
  Object.fromEntries(Object.entries(settings(manifests)).filter(([name]) => name.startsWith('GATEHOUSE_TRUSTED_PROXY') || name === 'GATEHOUSE_SIGNIN_URL'));

function secretFiles(manifests: readonly Manifest[]): { secret: string; key: string; path: string }[] {
  const volumes = at(only(manifests, 'Deployment'), 'spec', 'template', 'spec', 'volumes') as { name: string; projected?: { sources: { secret: { name: string; items: { key: string; path: string }[] } }[] } }[];
  return (volumes.find((v) => v.name === 'secrets')?.projected?.sources ?? []).map(({ secret }) => ({ secret: secret.name, key: secret.items[0]?.key ?? '', path: secret.items[0]?.path ?? '' }));
}

describe('chart proxy', () => {
  for (const { proxy, endpoint } of WIRING) {
    it(`NOTES for proxy=${proxy} name its endpoint and its example`, async () => {
      const notes = await renderNotes({ valuesFiles: [MINIMAL], values: { proxy, ...TRUST } });
      assert.match(notes, endpoint);
      if (proxy !== 'ingress-nginx') {
        assert.doesNotMatch(notes, /nginx\.ingress\.kubernetes\.io/);
        assert.match(notes, new RegExp(`k8s-examples/${proxy}/`));
        assert.match(notes, /Route \/oauth2\/ on that host .* to Service "gh-gatehouse"\s+port 4180, without the check/s);
      }
    });
  }

  it('NOTES say whom forward-auth believes, and that NGINX Gateway Fabric cannot redirect', async () => {
    const traefik = await renderNotes({ valuesFiles: [MINIMAL], values: { proxy: 'traefik', ...TRUST } });
    assert.match(traefik, /trustedProxies\.sources: 10\.42\.0\.0\/16\s+and with the shared secret in X-Gatehouse-Proxy-Secret/);
    const caddy = await renderNotes({ valuesFiles: [MINIMAL], values: { proxy: 'caddy', ...TRUST } });
    assert.match(caddy, /header_up X-Gatehouse-Proxy-Secret \{env\.GATEHOUSE_PROXY_SECRET\}/);
    const ngf = await renderNotes({ valuesFiles: [MINIMAL], values: { proxy: 'nginx-gateway-fabric' } });
    assert.match(ngf, /a signed-out browser gets 401 rather than the sign-in page/);
    const api = await renderNotes({ valuesFiles: ['chart/ci/oidc-bearer-values.yaml'], values: { proxy: 'envoy-gateway', trustedProxies: { sources: ['10.0.0.0/8'] } } });
    assert.match(api, /path: \/oauth2\/ext-authz\n[\s\S]*Authorization: Bearer <token>/);
    assert.doesNotMatch(api, /Signed-out browsers/);
  });

  it('renders nothing of trustedProxies or signinUrl by default', async () => {
    const manifests = parseManifests(await renderChart({ valuesFiles: [MINIMAL] }));
    assert.deepEqual(proxySettings(manifests), {});
    assert.deepEqual(secretFiles(manifests).map((f) => f.path), ['client-secret', 'cookie-secret']);
  });

  it('passes sources, the secret (as a file from the chart Secret) and the sign-in URL to the pod', async () => {
    const manifests = parseManifests(await renderChart({ valuesFiles: ['chart/ci/forward-auth-proxy-values.yaml'] }));
    assert.deepEqual(proxySettings(manifests), {
      GATEHOUSE_SIGNIN_URL: 'https://app.example.com/oauth2/start',
      GATEHOUSE_TRUSTED_PROXY_SECRET_HEADER: 'X-Gatehouse-Proxy-Secret',
      GATEHOUSE_TRUSTED_PROXY_SOURCES: '10.42.0.0/16,fd00:42::/64',
    });
    const data = only(manifests, 'Secret')['data'] as Record<string, string>;
    assert.equal(Buffer.from(data['trusted-proxy-secret'] ?? '', 'base64').toString(), 'proxy-secret-0123456789abcdef');
    assert.deepEqual(secretFiles(manifests).at(-1), { secret: 'gh-gatehouse', key: 'trusted-proxy-secret', path: 'trusted-proxy-secret' });
    const env = at(only(manifests, 'Deployment'), 'spec', 'template', 'spec', 'containers', 0, 'env') as { name: string; value?: string }[];
    assert.equal(env.find((e) => e.name === 'GATEHOUSE_TRUSTED_PROXY_SECRET_FILE')?.value, '/etc/gatehouse/secrets/trusted-proxy-secret');
  });

  it('takes the secret from an existing Secret instead, storing none, whatever the identity source', async () => {
    const values = { proxy: 'istio', authProvider: 'authelia', trustedHeaders: { sources: ['10.1.0.0/16'] }, trustedProxies: { existingSecret: 'mesh-proxy', existingSecretKey: 'current', secretHeader: 'X-Mesh-Secret' } };
    const manifests = parseManifests(await renderChart({ values }));
    assert.equal('trusted-proxy-secret' in (only(manifests, 'Secret')['data'] as object), false);
    assert.deepEqual(secretFiles(manifests).at(-1), { secret: 'mesh-proxy', key: 'current', path: 'trusted-proxy-secret' });
    assert.equal(settings(manifests)['GATEHOUSE_TRUSTED_PROXY_SECRET_HEADER'], 'X-Mesh-Secret');
  });

  for (const proxy of ['traefik', 'caddy', 'envoy-gateway', 'istio', 'gateway-api']) {
    it(`refuses proxy=${proxy} with no trusted proxy (every check would get 401)`, async () => {
      const result = await templateChart({ valuesFiles: [MINIMAL], values: { proxy } });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr.replaceAll('\n', ' '), new RegExp(`proxy=${proxy} describes the original request .* set trustedProxies\\.sources`));
    });
  }

  it('refuses a secret given twice; ingress-nginx and nginx-gateway-fabric need no trust', async () => {
    const twice = await templateChart({ valuesFiles: [MINIMAL], values: { trustedProxies: { secret: PROXY_SECRET, existingSecret: 'proxy' } } });
    assert.match(twice.stderr, /set only one of trustedProxies\.secret and trustedProxies\.existingSecret/);
    for (const proxy of ['ingress-nginx', 'nginx-gateway-fabric']) assert.equal((await templateChart({ valuesFiles: [MINIMAL], values: { proxy } })).code, 0, proxy);
  });

  it('the values schema refuses an unknown proxy, a short secret, a bare address and a relative sign-in URL', async () => {
    const base = mergeValues(defaultValues(), valuesFile(MINIMAL));
    const cases: [Record<string, unknown>, string][] = [
      [{ proxy: 'haproxy' }, '/proxy must be equal to one of the allowed values'],
      [{ trustedProxies: { secret: 'short-secret' } }, '/trustedProxies/secret must match pattern'],
      [{ trustedProxies: { secret: `${PROXY_SECRET},short` } }, '/trustedProxies/secret must match pattern'],
      [{ trustedProxies: { sources: ['10.42.0.1'] } }, '/trustedProxies/sources/0 must match pattern'],
      [{ trustedProxies: { source: ['10.0.0.0/8'] } }, '/trustedProxies must NOT have additional properties (source)'],
      [{ signinUrl: '/oauth2/start' }, '/signinUrl must match pattern'],
    ];
    for (const [values, problem] of cases) {
      assert.ok(schemaProblems(mergeValues(base, values)).some((p) => p.startsWith(problem)), `${JSON.stringify(values)}: ${schemaProblems(mergeValues(base, values)).join('; ')}`);
    }
    const helm = await templateChart({ valuesFiles: [MINIMAL], values: { proxy: 'haproxy' } });
    assert.notEqual(helm.code, 0);
    assert.match(helm.stderr, /proxy/);
  });
});

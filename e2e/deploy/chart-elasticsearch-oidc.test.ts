/**
 * The chart's sign-in through Elasticsearch's OpenID Connect realm: `elasticsearch.oidcRealm`
 * renders the realm and leaves out gatehouse's own provider settings and client secret, and the
 * combinations that cannot work fail with a message saying how to fix them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { templateChart } from './support/helm.ts';
import { only, parseManifests } from './support/manifests.ts';

const SCENARIO = 'chart/ci/elasticsearch-oidc-values.yaml';

describe('chart: sign-in through the Elasticsearch realm', () => {
  it('renders the realm and the backend, and no provider, client secret or mount of one', async () => {
    const result = await templateChart({ valuesFiles: [SCENARIO] });
    assert.equal(result.code, 0, result.stderr);
    const manifests = parseManifests(result.stdout);
    const settings = only(manifests, 'ConfigMap')['data'] as Record<string, string>;
    assert.equal(settings['GATEHOUSE_ELASTICSEARCH_OIDC_REALM'], 'oidc1');
    assert.equal(settings['GATEHOUSE_BACKEND'], 'elasticsearch-oidc');
    assert.equal(settings['GATEHOUSE_REDIRECT_URL'], 'https://kibana.example.com/oauth2/callback');
    for (const name of ['GATEHOUSE_OIDC_ISSUER_URL', 'GATEHOUSE_OIDC_CLIENT_ID']) assert.equal(settings[name], undefined, name);
    assert.ok(!result.stdout.includes('GATEHOUSE_OIDC_CLIENT_SECRET_FILE'), 'no client secret is mounted');
    assert.ok(!result.stdout.includes('client-secret'), 'nor stored');
  });

  for (const { name, values, message } of [
    { name: 'a realm without Elasticsearch', values: { elasticsearch: { enabled: false, hosts: [], oidcRealm: 'oidc1' } }, message: /elasticsearch\.oidcRealm needs elasticsearch\.enabled=true/ },
    { name: 'a realm with the oidc provider', values: { authProvider: 'oidc', ingress: { enabled: false } }, message: /elasticsearch\.oidcRealm signs browsers in, which only authProvider=login does/ },
    { name: 'the backend without a realm', values: { elasticsearch: { oidcRealm: '' } }, message: /backend=elasticsearch-oidc needs elasticsearch\.oidcRealm/ },
  ]) {
    it(`${name} fails with a message that says how to fix it`, async () => {
      const result = await templateChart({ valuesFiles: [SCENARIO], values });
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, message);
    });
  }
});

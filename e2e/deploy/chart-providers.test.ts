/**
 * `authProvider` picks the identity source, and each renders from only the values it needs: `login`
 * as before, `oidc` from the issuer and client id alone, `authelia` without any OpenID value. The
 * bearer and trusted-header settings reach the pod only with their provider, the trusted upstream's
 * secret arrives as a file from the chart's or an existing Secret, and the Elasticsearch credential
 * settings come with the Elasticsearch connection.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderChart } from './support/helm.ts';
import { at, only, parseManifests } from './support/manifests.ts';
import type { Manifest } from './support/manifests.ts';

const MINIMAL = 'chart/ci/default-values.yaml';
const UPSTREAM_SECRET = 'upstream-secret-0123456789abcdef';
const OIDC = { authProvider: 'oidc', oidc: { issuerUrl: 'https://login.example.com/realms/main', clientId: 'gatehouse' } };

const render = async (values: Record<string, unknown>, files: string[] = []): Promise<Manifest[]> =>
  parseManifests(await renderChart({ valuesFiles: files, values }));

const settings = (manifests: readonly Manifest[]): Record<string, string> => only(manifests, 'ConfigMap')['data'] as Record<string, string>;

const settingNames = (manifests: readonly Manifest[], prefix: string): string[] =>
  Object.keys(settings(manifests)).filter((name) => name.startsWith(prefix)).sort();

function secretKeys(manifests: readonly Manifest[]): string[] {
  const secret = manifests.find((m) => m.kind === 'Secret');
  return secret === undefined ? [] : Object.keys(secret['data'] as object).sort();
}

function projectedFiles(manifests: readonly Manifest[]): { secret: string; key: string; path: string }[] {
  const volumes = at(only(manifests, 'Deployment', 'gh-gatehouse'), 'spec', 'template', 'spec', 'volumes') as { name: string; projected?: { sources: unknown[] } }[];
  return (volumes.find((v) => v.name === 'secrets')?.projected?.sources ?? []).map((source) => {
    const secret = at(source, 'secret') as { name: string; items: { key: string; path: string }[] };
    return { secret: secret.name, key: secret.items[0]?.key ?? '', path: secret.items[0]?.path ?? '' };
  });
}

function testPodEnv(manifests: readonly Manifest[]): Record<string, string> {
  const env = at(only(manifests, 'Pod'), 'spec', 'containers', 0, 'env') as { name: string; value: string }[];
  return Object.fromEntries(env.map((e) => [e.name, e.value]));
}

describe('chart identity sources', () => {
  it('login (the default) keeps the sign-in settings and the client secret, and nothing of the others', async () => {
    const manifests = await render({}, [MINIMAL]);
    assert.equal(settings(manifests)['GATEHOUSE_AUTH_PROVIDER'], 'login');
    assert.equal(settings(manifests)['GATEHOUSE_REDIRECT_URL'], 'https://app.example.com/oauth2/callback');
    assert.deepEqual([...settingNames(manifests, 'GATEHOUSE_TRUSTED_HEADER'), ...settingNames(manifests, 'GATEHOUSE_BEARER')], []);
    assert.deepEqual(projectedFiles(manifests).map((f) => f.path), ['client-secret', 'cookie-secret']);
    assert.equal(testPodEnv(manifests)['EXPECT_SIGN_IN'], 'true');
  });

  it('oidc renders from the issuer and client id alone: no client secret, callback URL or sign-in', async () => {
    const manifests = await render({ ...OIDC, bearer: { validation: 'userinfo' } });
    const env = settings(manifests);
    assert.equal(env['GATEHOUSE_AUTH_PROVIDER'], 'oidc');
    assert.equal(env['GATEHOUSE_BEARER_VALIDATION'], 'userinfo');
    assert.equal(env['GATEHOUSE_OIDC_CLIENT_ID'], 'gatehouse');
    assert.equal('GATEHOUSE_REDIRECT_URL' in env, false);
    assert.deepEqual(settingNames(manifests, 'GATEHOUSE_TRUSTED_HEADER'), []);
    assert.deepEqual(secretKeys(manifests), ['cookie-secret']);
    assert.deepEqual(projectedFiles(manifests).map((f) => f.path), ['cookie-secret']);
    assert.deepEqual(testPodEnv(manifests)['EXPECT_SIGN_IN'], 'false');
  });

  it('oidc still passes a client secret on when one is given', async () => {
    const manifests = await render({ ...OIDC, oidc: { ...OIDC.oidc, existingSecret: 'gatehouse-oidc' } });
    assert.deepEqual(projectedFiles(manifests)[0], { secret: 'gatehouse-oidc', key: 'client-secret', path: 'client-secret' });
  });

  it('authelia renders without any OpenID value; its header settings and secret file reach the pod', async () => {
    const manifests = await render({
      authProvider: 'authelia',
      trustedHeaders: { user: 'X-Forwarded-User', sources: ['10.0.0.0/8', 'fd00::/8'], secret: UPSTREAM_SECRET },
    });
    const env = settings(manifests);
    assert.deepEqual(settingNames(manifests, 'GATEHOUSE_OIDC'), []);
    assert.equal('GATEHOUSE_REDIRECT_URL' in env, false);
    assert.deepEqual(
      Object.fromEntries(settingNames(manifests, 'GATEHOUSE_TRUSTED_HEADER').map((name) => [name, env[name]])),
      {
        GATEHOUSE_TRUSTED_HEADER_EMAIL: 'Remote-Email',
        GATEHOUSE_TRUSTED_HEADER_GROUPS: 'Remote-Groups',
        GATEHOUSE_TRUSTED_HEADER_NAME: 'Remote-Name',
        GATEHOUSE_TRUSTED_HEADER_SECRET_HEADER: 'X-Gatehouse-Upstream-Secret',
        GATEHOUSE_TRUSTED_HEADER_SOURCES: '10.0.0.0/8,fd00::/8',
        GATEHOUSE_TRUSTED_HEADER_USER: 'X-Forwarded-User',
      },
    );
    assert.deepEqual(secretKeys(manifests), ['cookie-secret', 'trusted-header-secret']);
    const data = only(manifests, 'Secret')['data'] as Record<string, string>;
    assert.equal(Buffer.from(data['trusted-header-secret'] ?? '', 'base64').toString(), UPSTREAM_SECRET);
    assert.deepEqual(projectedFiles(manifests).at(-1), { secret: 'gh-gatehouse', key: 'trusted-header-secret', path: 'trusted-header-secret' });
    const podEnv = at(only(manifests, 'Deployment'), 'spec', 'template', 'spec', 'containers', 0, 'env') as { name: string; value?: string }[];
    assert.equal(podEnv.find((e) => e.name === 'GATEHOUSE_TRUSTED_HEADER_SECRET_FILE')?.value, '/etc/gatehouse/secrets/trusted-header-secret');
  });

  it('authelia takes the secret from an existing Secret instead, storing none', async () => {
    const manifests = await render({ authProvider: 'authelia', trustedHeaders: { existingSecret: 'upstream', existingSecretKey: 'current' } });
    assert.deepEqual(secretKeys(manifests), ['cookie-secret']);
    assert.deepEqual(projectedFiles(manifests), [
      { secret: 'gh-gatehouse', key: 'cookie-secret', path: 'cookie-secret' },
      { secret: 'upstream', key: 'current', path: 'trusted-header-secret' },
    ]);
  });

  it('trusted-header values reach nothing unless authProvider is authelia', async () => {
    const manifests = await render({ trustedHeaders: { sources: ['10.0.0.0/8'], secret: UPSTREAM_SECRET } }, [MINIMAL]);
    assert.deepEqual(settingNames(manifests, 'GATEHOUSE_TRUSTED_HEADER'), []);
    assert.deepEqual(secretKeys(manifests), ['client-secret', 'cookie-secret']);
  });

  it('renders the Elasticsearch credential TTL and dry run with the connection only', async () => {
    const elasticsearch = { hosts: ['https://es.example:9200'], credentialTtl: '2h', dryRun: true };
    const on = settings(await render({ elasticsearch: { ...elasticsearch, enabled: true } }, [MINIMAL]));
    assert.deepEqual([on['GATEHOUSE_CREDENTIAL_TTL'], on['GATEHOUSE_ELASTICSEARCH_DRY_RUN']], ['2h', 'true']);
    const off = settings(await render({ elasticsearch }, [MINIMAL]));
    assert.deepEqual([off['GATEHOUSE_CREDENTIAL_TTL'], off['GATEHOUSE_ELASTICSEARCH_DRY_RUN']], [undefined, undefined]);
  });

  it('lets authelia reach no OpenID Provider through the NetworkPolicy', async () => {
    const egressPorts = async (values: Record<string, unknown>): Promise<number[]> => {
      const policy = only(await render({ ...values, networkPolicy: { enabled: true, providerPorts: [8443] } }), 'NetworkPolicy');
      return (at(policy, 'spec', 'egress') as { ports: { port: number }[] }[]).flatMap((rule) => rule.ports.map((p) => p.port));
    };
    assert.ok((await egressPorts(OIDC)).includes(8443));
    assert.ok(!(await egressPorts({ authProvider: 'authelia', trustedHeaders: { secret: UPSTREAM_SECRET } })).includes(8443));
  });
});

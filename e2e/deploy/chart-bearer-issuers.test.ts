/**
 * The chart's `bearer.issuers`: rendered into the config file's `bearer` section in the ConfigMap,
 * the bearer and introspection sources listed, each introspection client secret mounted as a file
 * from its existing Secret (never in the ConfigMap), authProvider=oidc needing no provider of its
 * own, the rendered pod's configuration accepted by gatehouse's --check-config; values the schema
 * refuses; nothing of it by default.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { GATEHOUSE_MAIN, REPO_ROOT } from '../stack/gatehouse-process.ts';
import { renderChart, templateChart } from './support/helm.ts';
import { at, only, parseManifests, type Manifest } from './support/manifests.ts';
import { renderedGatehouseEnv } from './support/rendered-pod.ts';

const execFileAsync = promisify(execFile);
const SCENARIO = 'chart/ci/token-issuers-values.yaml';
const MINIMAL = 'chart/ci/default-values.yaml';

const GITHUB = {
  issuer: 'https://token.actions.githubusercontent.com',
  audiences: ['https://github.com/example-org'],
  algorithms: ['RS256'],
  usernamePrefix: 'github:',
  claims: { username: 'repository', groups: 'repository_owner' },
};
const STAFF = {
  issuer: 'https://login.example.com/realms/staff',
  audiences: ['https://api.example.com'],
  usernamePrefix: 'staff:',
  introspection: { clientId: 'gatehouse-introspector', existingSecret: 'staff-introspection', maxCache: '2m' },
};

const configFile = (manifests: readonly Manifest[]): Record<string, unknown> =>
  parse((only(manifests, 'ConfigMap')['data'] as Record<string, string>)['config.yaml'] ?? '') as Record<string, unknown>;
const settings = (manifests: readonly Manifest[]): Record<string, string> => only(manifests, 'ConfigMap')['data'] as Record<string, string>;
const podSpec = (manifests: readonly Manifest[]) => at(only(manifests, 'Deployment', 'gh-gatehouse'), 'spec', 'template', 'spec') as Record<string, unknown>;
const checkConfig = (env: Record<string, string>) => execFileAsync(process.execPath, [GATEHOUSE_MAIN, '--check-config'], { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '', ...env } });

describe('chart: tokens from several issuers', () => {
  it('renders the issuers into the config file, the introspection secret as a file, and --check-config accepts the pod', async () => {
    const manifests = parseManifests(await renderChart({ valuesFiles: [SCENARIO], values: { bearer: { issuers: [GITHUB, STAFF] } } }));
    const file = configFile(manifests);
    assert.deepEqual(file.bearer, {
      issuers: [
        {
          issuer: 'https://token.actions.githubusercontent.com',
          audiences: ['https://github.com/example-org'],
          algorithms: ['RS256'],
          username_prefix: 'github:',
          claims: { username: 'repository', groups: 'repository_owner' },
        },
        {
          issuer: 'https://login.example.com/realms/staff',
          audiences: ['https://api.example.com'],
          username_prefix: 'staff:',
          introspection: { client_id: 'gatehouse-introspector', client_secret_file: '/etc/gatehouse/secrets/issuer-1-introspection-secret', max_cache: '2m' },
        },
      ],
    });
    assert.ok(file.policies, 'the rest of config stays');
    const env = settings(manifests);
    assert.equal(env.GATEHOUSE_IDENTITY_SOURCES, 'bearer,introspection');
    assert.equal(env.GATEHOUSE_OIDC_ISSUER_URL, undefined, 'authProvider=oidc with issuers needs no provider of its own');
    const secrets = (podSpec(manifests).volumes as Array<{ name: string; projected?: { sources: Array<{ secret: unknown }> } }>).find((v) => v.name === 'secrets');
    assert.deepEqual(secrets?.projected?.sources.at(-1)?.secret, { name: 'staff-introspection', items: [{ key: 'client-secret', path: 'issuer-1-introspection-secret' }] });
    assert.ok(!JSON.stringify(manifests.filter((m) => m.kind === 'ConfigMap')).includes('from-the-provider'), 'no secret in the ConfigMap');

    const pod = renderedGatehouseEnv(manifests, { 'staff-introspection': { 'client-secret': 'from-the-provider' } });
    // The config file names the mount path; in this stand-in the secrets sit beside the cookie key.
    const path = pod.GATEHOUSE_CONFIG_FILE ?? '';
    writeFileSync(path, readFileSync(path, 'utf8').replaceAll('/etc/gatehouse/secrets', dirname(pod.GATEHOUSE_COOKIE_SECRET_FILE ?? '')));
    assert.match((await checkConfig(pod)).stdout, /configuration is valid/);
  });

  it('beside browser sign-in the issuers add the bearer source; private_key_jwt names a key file', async () => {
    const values = { bearer: { issuers: [{ issuer: 'https://as.example.com', audiences: ['api'], introspection: { clientId: 'gh', existingSecret: 'as-key', existingSecretKey: 'key.pem', authMethod: 'private_key_jwt' } }] } };
    const manifests = parseManifests(await renderChart({ valuesFiles: [MINIMAL], values }));
    assert.equal(settings(manifests).GATEHOUSE_IDENTITY_SOURCES, 'session,bearer,introspection');
    assert.deepEqual((configFile(manifests).bearer as { issuers: Array<{ introspection: unknown }> }).issuers[0]?.introspection, {
      client_id: 'gh',
      private_key_file: '/etc/gatehouse/secrets/issuer-0-introspection-secret',
      auth_method: 'private_key_jwt',
    });
  });

  it('the schema refuses an issuer without audiences, a symmetric algorithm, an introspection without its Secret; nothing by default', async () => {
    const base = { issuer: 'https://as.example.com', audiences: ['api'] };
    for (const issuer of [{ issuer: base.issuer }, { ...base, audiences: [] }, { ...base, algorithms: ['HS256'] }, { ...base, introspection: { clientId: 'gh' } }, { ...base, introspection: { clientId: 'gh', existingSecret: 's', clientSecret: 'inline' } }, { ...base, colour: 'blue' }]) {
      const result = await templateChart({ valuesFiles: [MINIMAL], values: { bearer: { issuers: [issuer] } } });
      assert.notEqual(result.code, 0, JSON.stringify(issuer));
    }
    const off = parseManifests(await renderChart({ valuesFiles: [MINIMAL] }));
    assert.equal(configFile(off).bearer, undefined);
    assert.equal(settings(off).GATEHOUSE_IDENTITY_SOURCES, undefined);
  });
});

/**
 * The chart's `providers` list: rendered into the config file's `providers` section in the
 * ConfigMap, each client secret mounted as a file from its existing Secret (never in the
 * ConfigMap), the rendered pod's configuration accepted by gatehouse's --check-config; values the
 * schema refuses; nothing of it by default.
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
const MINIMAL = 'chart/ci/default-values.yaml';
const PARTNERS = {
  id: 'partners',
  name: 'Partner account',
  issuer: 'https://partners.example.org',
  clientId: 'gatehouse-partners',
  existingSecret: 'partners-oidc',
  hosts: ['.partners.example.com'],
  config: { claims: { username: 'email' }, default_roles: ['partner_reader'] },
};

const configFile = (manifests: readonly Manifest[]): Record<string, unknown> =>
  parse((only(manifests, 'ConfigMap')['data'] as Record<string, string>)['config.yaml'] ?? '') as Record<string, unknown>;
const podSpec = (manifests: readonly Manifest[]) => at(only(manifests, 'Deployment', 'gh-gatehouse'), 'spec', 'template', 'spec') as Record<string, unknown>;
const checkConfig = (env: Record<string, string>) => execFileAsync(process.execPath, [GATEHOUSE_MAIN, '--check-config'], { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '', ...env } });

describe('chart: several identity providers', () => {
  it("renders the list into the config file, the secret as a file from the provider's Secret, and --check-config accepts the pod", async () => {
    const manifests = parseManifests(await renderChart({ valuesFiles: [MINIMAL], values: { providers: [PARTNERS, { id: 'b2b', issuer: 'https://b2b.example.net', clientId: 'gh', existingSecret: 'b2b', existingSecretKey: 'secret' }] } }));
    const file = configFile(manifests);
    assert.equal(file.version, 1, 'the rest of config stays');
    assert.deepEqual(file.providers, [
      {
        id: 'partners',
        name: 'Partner account',
        issuer: 'https://partners.example.org',
        client_id: 'gatehouse-partners',
        client_secret_file: '/etc/gatehouse/secrets/provider-partners-client-secret',
        hosts: ['.partners.example.com'],
        claims: { username: 'email' },
        default_roles: ['partner_reader'],
      },
      { id: 'b2b', issuer: 'https://b2b.example.net', client_id: 'gh', client_secret_file: '/etc/gatehouse/secrets/provider-b2b-client-secret' },
    ]);
    const secrets = (podSpec(manifests).volumes as Array<{ name: string; projected?: { sources: Array<{ secret: unknown }> } }>).find((v) => v.name === 'secrets');
    const sources = secrets?.projected?.sources.map((s) => s.secret);
    assert.deepEqual(sources?.slice(-2), [
      { name: 'partners-oidc', items: [{ key: 'client-secret', path: 'provider-partners-client-secret' }] },
      { name: 'b2b', items: [{ key: 'secret', path: 'provider-b2b-client-secret' }] },
    ]);
    const env = (podSpec(manifests).containers as Array<{ env: Array<{ name: string }> }>)[0]?.env ?? [];
    assert.ok(env.every((variable) => typeof variable.name === 'string' && variable.name.length > 0), 'a provider secret adds no variable');
    assert.ok(!JSON.stringify(manifests.filter((m) => m.kind === 'ConfigMap')).includes('from-the-partner'), 'no secret in the ConfigMap');

    const pod = renderedGatehouseEnv(manifests, { 'partners-oidc': { 'client-secret': 'from-the-partner' }, b2b: { secret: 'from-b2b' } });
    // The config file names the mount path; in this stand-in the secrets sit beside the cookie key.
    const path = pod.GATEHOUSE_CONFIG_FILE ?? '';
    writeFileSync(path, readFileSync(path, 'utf8').replaceAll('/etc/gatehouse/secrets', dirname(pod.GATEHOUSE_COOKIE_SECRET_FILE ?? '')));
    assert.match((await checkConfig(pod)).stdout, /configuration is valid/);
  });

  it('the schema refuses a provider without its Secret, with the reserved id, or with an unknown key; nothing by default', async () => {
    const { existingSecret: _, ...noSecret } = PARTNERS;
    for (const provider of [noSecret, { ...PARTNERS, id: 'default' }, { ...PARTNERS, id: 'Upper' }, { ...PARTNERS, clientSecret: 'inline' }]) {
      const result = await templateChart({ valuesFiles: [MINIMAL], values: { providers: [provider] } });
      assert.notEqual(result.code, 0, JSON.stringify(provider));
    }
    const off = parseManifests(await renderChart({ valuesFiles: [MINIMAL] }));
    assert.equal(configFile(off).providers, undefined);
  });
});

/**
 * Releases of the other identity sources run gatehouse with exactly what the chart gives the pod:
 * an `authelia` release believes identity headers only with the shared secret from the mounted
 * file, an `oidc` release becomes ready on the provider's discovery alone, and the helm test Pod's
 * own script passes against both (401 without credentials, no browser sign-in).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startTestIdp } from '../idp/test-idp.ts';
import type { TestIdp } from '../idp/test-idp.ts';
import { startGatehouse } from '../stack/gatehouse-process.ts';
import type { GatehouseProcess } from '../stack/gatehouse-process.ts';
import { freePorts } from '../support/ports.ts';
import { renderChart } from './support/helm.ts';
import { only, parseManifests } from './support/manifests.ts';
import type { Manifest } from './support/manifests.ts';
import { container, renderedGatehouseEnv } from './support/rendered-pod.ts';

const execFileAsync = promisify(execFile);
const UPSTREAM_SECRET = 'upstream-secret-0123456789abcdef';

describe('rendered releases of the other identity sources run gatehouse', () => {
  let idp: TestIdp;
  let ports: number[];
  const running: GatehouseProcess[] = [];

  before(async () => {
    ports = await freePorts(4);
    idp = await startTestIdp({ clients: [{ clientId: 'gatehouse', clientSecret: 'unused-by-bearer', redirectUris: ['http://127.0.0.1/oauth2/callback'] }] });
  });
  after(async () => {
    for (const replica of running) await replica.stop();
    await idp?.close();
  });

  async function start(manifests: readonly Manifest[], slot: number): Promise<GatehouseProcess> {
    const [port = 0, metricsPort = 0] = [ports[slot * 2], ports[slot * 2 + 1]];
    const env = { ...renderedGatehouseEnv(manifests), GATEHOUSE_LISTEN_HOST: '127.0.0.1', GATEHOUSE_PORT: String(port), GATEHOUSE_METRICS_PORT: String(metricsPort) };
    const replica = await startGatehouse({ port, metricsPort, env });
    running.push(replica);
    return replica;
  }

  /** Runs the helm test Pod's check-service container command, with its rendered env, against `port`. */
  async function runReleaseTest(manifests: readonly Manifest[], port: number): Promise<string> {
    const check = container(only(manifests, 'Pod'), 'check-service');
    const [, ...args] = check['command'] as string[];
    const env = Object.fromEntries((check['env'] as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    const { stdout } = await execFileAsync(process.execPath, args, {
      env: { PATH: process.env['PATH'] ?? '', ...env, GATEHOUSE_URL: `http://127.0.0.1:${port}`, READY_ATTEMPTS: '3' },
    });
    return stdout;
  }

  it('authelia: identity headers count only with the secret from the mounted file', async () => {
    const manifests = parseManifests(await renderChart({ values: { authProvider: 'authelia', trustedHeaders: { secret: UPSTREAM_SECRET } } }));
    const replica = await start(manifests, 0);
    const check = (headers: Record<string, string>): Promise<Response> =>
      fetch(`http://127.0.0.1:${replica.port}/oauth2/auth`, { headers: { 'remote-user': 'alice', 'remote-groups': 'admins', ...headers } });

    const trusted = await check({ 'x-gatehouse-upstream-secret': UPSTREAM_SECRET });
    assert.equal(trusted.status, 200);
    assert.equal(trusted.headers.get('x-auth-request-user'), 'alice');
    assert.equal((await check({})).status, 401, 'believed a client that sent Remote-User without the secret');
    assert.equal((await check({ 'x-gatehouse-upstream-secret': 'a-wrong-secret-of-some-length' })).status, 401);

    const output = await runReleaseTest(manifests, replica.port);
    assert.match(output, /ok \/oauth2\/auth answers 401/);
    assert.match(output, /ok \/oauth2\/start answers 404/);
  });

  it('oidc: ready on the provider discovery with the issuer and client id only; 401 without a Bearer token', async () => {
    const manifests = parseManifests(await renderChart({ values: { authProvider: 'oidc', oidc: { issuerUrl: idp.issuer, clientId: 'gatehouse', allowInsecureHttp: true } } }));
    const replica = await start(manifests, 1);
    const forged = await fetch(`http://127.0.0.1:${replica.port}/oauth2/auth`, { headers: { authorization: 'Bearer not.a.token', 'remote-user': 'alice' } });
    assert.equal(forged.status, 401);
    const output = await runReleaseTest(manifests, replica.port);
    assert.match(output, /ok \/readyz answers 200/);
    assert.match(output, /ok \/oauth2\/start answers 404/);
  });
});

/**
 * The chart's output configures a working gatehouse: every scenario's rendered pod configuration
 * passes `--check-config` (Elasticsearch backend included), the environment and files a pod gets
 * start the real service against a real OpenID Provider, the helm test Pod's own script passes
 * against it, and with `replicaCount: 3` and the chart's Redis a session made on one replica is
 * honoured by the others. Only what a pod gets from its surroundings differs: loopback addresses and
 * free ports instead of the pod network, and a local redis-server for the chart's Redis Service.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startTestIdp } from '../idp/test-idp.ts';
import type { TestIdp } from '../idp/test-idp.ts';
import { GATEHOUSE_MAIN, REPO_ROOT, startGatehouse } from '../stack/gatehouse-process.ts';
import type { GatehouseProcess } from '../stack/gatehouse-process.ts';
import { signInOverHttp } from '../support/http-login.ts';
import { freePorts } from '../support/ports.ts';
import { startRedisServer } from '../support/redis-server.ts';
import type { RedisServerHandle } from '../support/redis-server.ts';
import { CHART_DIR, renderChart } from './support/helm.ts';
import { only, parseManifests } from './support/manifests.ts';
import type { Manifest } from './support/manifests.ts';
import { container, renderedGatehouseEnv } from './support/rendered-pod.ts';

const execFileAsync = promisify(execFile);
const CLIENT = { clientId: 'gatehouse', clientSecret: 'chart-test-secret' };
const KEY = randomBytes(32).toString('base64');
// What the operator creates before installing the scenarios that use existingSecret.
const EXISTING_SECRETS = {
  'gatehouse-secrets': { 'client-secret': 'from-the-provider', 'cookie-secret': KEY, 'redis-password': 'redis' },
  'gatehouse-oidc': { 'client-secret': 'from-the-provider' },
  'gatehouse-redis': { password: 'redis' },
  'gatehouse-upstream': { 'shared-secret': 'upstream-secret-0123456789abcdef' },
  'gatehouse-elasticsearch': { 'elasticsearch-password': 'elastic' },
};

describe('every chart/ci scenario', () => {
  for (const scenario of readdirSync(join(CHART_DIR, 'ci')).sort()) {
    it(`${scenario}: gatehouse --check-config accepts the rendered pod's configuration`, async () => {
      const manifests = parseManifests(await renderChart({ valuesFiles: [`chart/ci/${scenario}`] }));
      const env = renderedGatehouseEnv(manifests, EXISTING_SECRETS);
      const checked = await execFileAsync(process.execPath, [GATEHOUSE_MAIN, '--check-config'], { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '', ...env } });
      assert.match(checked.stdout, /configuration is valid/);
    });
  }
});

describe('a rendered release runs gatehouse', () => {
  let idp: TestIdp;
  let redirectUrl: string;
  let ports: number[];
  const running: GatehouseProcess[] = [];
  const servers: RedisServerHandle[] = [];

  before(async () => {
    ports = await freePorts(6);
    redirectUrl = `http://127.0.0.1:${ports[0]}/oauth2/callback`;
    idp = await startTestIdp({ clients: [{ ...CLIENT, redirectUris: [redirectUrl] }] });
  });
  after(async () => {
    for (const replica of running) await replica.stop();
    for (const server of servers) await server.stop();
    await idp?.close();
  });

  /** Values for a release whose provider is the test IdP, reached over plain http on loopback. */
  const values = (extra: Record<string, unknown>): Record<string, unknown> => ({
    oidc: { issuerUrl: idp.issuer, allowInsecureHttp: true, ...CLIENT, scopes: 'openid profile email groups', redirectUrl },
    cookie: { secure: false },
    ...extra,
  });

  async function start(env: Record<string, string>, replica: number): Promise<GatehouseProcess> {
    const [port = 0, metricsPort = 0] = [ports[replica * 2], ports[replica * 2 + 1]];
    const process = await startGatehouse({
      port,
      metricsPort,
      env: { ...env, GATEHOUSE_LISTEN_HOST: '127.0.0.1', GATEHOUSE_PORT: String(port), GATEHOUSE_METRICS_PORT: String(metricsPort) },
    });
    running.push(process);
    return process;
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

  it('one replica: --check-config passes, it becomes ready, and the helm test script passes', async () => {
    const manifests = parseManifests(await renderChart({ values: values({}) }));
    const env = renderedGatehouseEnv(manifests);
    const checked = await execFileAsync(process.execPath, [GATEHOUSE_MAIN, '--check-config'], { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] ?? '', ...env } });
    assert.match(checked.stdout, /configuration is valid/);
    const replica = await start(env, 0);
    const output = await runReleaseTest(manifests, replica.port);
    assert.match(output, /ok \/readyz answers 200/);
    assert.match(output, /ok \/oauth2\/auth answers 401 without a session/);
    assert.match(output, /ok \/oauth2\/start sends the browser to http:\/\/127\.0\.0\.1:\d+ with client gatehouse/);
    await replica.stop();
    running.pop();
  });

  it('three replicas on the chart Redis share one sign-in', async () => {
    const manifests = parseManifests(await renderChart({ values: values({ replicaCount: 3, redis: { enabled: true } }) }));
    assert.equal((only(manifests, 'Deployment', 'gh-gatehouse')['spec'] as { replicas: number }).replicas, 3);
    const env = renderedGatehouseEnv(manifests);
    const password = Buffer.from((only(manifests, 'Secret')['data'] as Record<string, string>)['redis-password'] ?? '', 'base64').toString();
    const redis = await startRedisServer({ password });
    servers.push(redis);
    // The chart's Redis Service name resolves inside the cluster only; here it is the local server.
    assert.equal(env['GATEHOUSE_REDIS_URL'], 'redis://gh-gatehouse-redis:6379/0');
    env['GATEHOUSE_REDIS_URL'] = `redis://127.0.0.1:${redis.port}/0`;

    const replicas = [await start(env, 0), await start(env, 1), await start(env, 2)];
    const { cookieHeader } = await signInOverHttp(`http://127.0.0.1:${replicas[0]?.port}`, { login: 'alice', password: 'alice' });
    for (const replica of replicas) {
      const answer = await fetch(`http://127.0.0.1:${replica.port}/oauth2/auth?allowed_groups=admins`, { headers: { cookie: cookieHeader } });
      assert.equal(answer.status, 200, `replica on ${replica.port}`);
      assert.equal(answer.headers.get('x-auth-request-preferred-username'), 'alice');
      assert.equal((await runReleaseTest(manifests, replica.port)).includes('ok /readyz'), true);
    }
  });
});

/**
 * The Dockerfile builds with buildah, and the image holds Node 24 with production dependencies
 * only, runs as a numeric non-root user from an exec-form entrypoint, starts on a read-only root
 * filesystem, answers /healthz (and /readyz once a provider is reachable), and shuts down
 * gracefully on SIGTERM.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestIdp } from '../idp/test-idp.ts';
import type { TestIdp } from '../idp/test-idp.ts';
import { freePorts } from '../support/ports.ts';
import { buildImage, inspectImage, mountImage, runContainer } from './support/image.ts';
import { chartMemoryLimit, memoryFigures, MEMORY_BOUNDS } from './support/memory-bounds.ts';
import { runUnderMemoryLimit } from './support/memory-run.ts';
import type { ImageConfig, MountedImage, RunningContainer } from './support/image.ts';

const TAG = 'localhost/gatehouse:test';
const ORIGIN = 'https://app.example.com';

/** Polls `url` until it answers `status`; bounded by tries, never by a clock. */
async function waitForStatus(url: string, status: number, container: RunningContainer, tries = 150): Promise<Response> {
  let last = 'no answer';
  for (let i = 0; i < tries; i++) {
    const exited = container.process.exitStatus();
    if (exited !== undefined) throw new Error(`container exited (${exited}):\n${container.process.logs()}`);
    try {
      const response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(2000) });
      if (response.status === status) return response;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${url} never answered ${status} (last: ${last}):\n${container.process.logs()}`);
}

function walk(dir: string, visit: (path: string) => void): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, visit);
    else visit(path);
  }
}

// debootstrap, buildah's vfs mounts and runc need root; CI and `make test` run as root.
const NOT_ROOT = process.getuid?.() !== 0 ? 'building and running the image needs root' : false;

describe('container image', { skip: NOT_ROOT }, () => {
  let config: ImageConfig;
  let image: MountedImage;
  let idp: TestIdp;

  before(async () => {
    await buildImage(TAG);
    config = await inspectImage(TAG);
    image = await mountImage(TAG);
    idp = await startTestIdp({ clients: [{ clientId: 'gatehouse', clientSecret: 'image-test-secret', redirectUris: [`${ORIGIN}/oauth2/callback`] }] });
    // The first build on a machine also makes the base image (debootstrap): minutes, not seconds.
  }, { timeout: 15 * 60_000 });
  after(async () => {
    await idp?.close();
    await image?.remove();
  });

  it('runs as a numeric non-root user, from an exec-form entrypoint, stopped by SIGTERM', () => {
    assert.match(config.User ?? '', /^[1-9][0-9]*:[1-9][0-9]*$/);
    // The heap sized from the container's memory limit (docs/memory.md).
    assert.deepEqual(config.Entrypoint, ['node', '--max-old-space-size-percentage=50', 'app/src/main.ts']);
    assert.equal(config.WorkingDir, '/app');
    assert.equal(config.StopSignal, 'SIGTERM');
    assert.ok(config.Env?.includes('NODE_ENV=production'));
  });

  it('holds Node 24, the sources without tests, and production dependencies only; no package manager', () => {
    const node = join(image.rootfs, 'usr', 'local', 'bin', 'node');
    assert.match(execFileSync(node, ['--version'], { encoding: 'utf8' }), /^v24\./);
    for (const absent of ['usr/local/bin/npm', 'usr/local/bin/npx', 'usr/local/bin/corepack', 'usr/local/lib/node_modules', 'app/e2e', 'app/chart', 'app/node_modules/.bin/tsc']) {
      assert.equal(existsSync(join(image.rootfs, absent)), false, `${absent} is in the image`);
    }
    // @types/node is not in this list: @kubernetes/client-node depends on it at run time.
    for (const dev of ['typescript', 'oidc-provider', 'playwright-core', 'fast-check', 'kubernetes-models', '@types/express']) {
      assert.equal(existsSync(join(image.rootfs, 'app', 'node_modules', dev)), false, `devDependency ${dev} is in the image`);
    }
    for (const runtime of ['express', 'openid-client', 'ioredis', 'pino']) {
      assert.ok(existsSync(join(image.rootfs, 'app', 'node_modules', runtime, 'package.json')), `${runtime} is missing`);
    }
    assert.ok(existsSync(join(image.rootfs, 'app', 'app', 'src', 'main.ts')));
    walk(join(image.rootfs, 'app', 'app'), (path) => assert.ok(!path.endsWith('.test.ts'), `${path} is in the image`));
  });

  it('--check-config through the entrypoint: 1 with every problem named, 0 for a valid configuration', async () => {
    const bad = await runContainer(image.rootfs, config, {}, ['--check-config']);
    await bad.process.exited;
    assert.equal(bad.process.exitStatus(), 'exit code 1', bad.process.logs());
    assert.match(bad.process.logs(), /GATEHOUSE_OIDC_ISSUER_URL/);
    const good = await runContainer(image.rootfs, config, gatehouseEnv(0, 0), ['--check-config']);
    await good.process.exited;
    assert.equal(good.process.exitStatus(), 'exit code 0', good.process.logs());
    assert.match(good.process.logs(), /configuration is valid/);
  });

  it('starts on a read-only root filesystem, answers /healthz, becomes ready, and drains on SIGTERM', async () => {
    const [port = 0, metricsPort = 0] = await freePorts(2);
    const container = await runContainer(image.rootfs, config, gatehouseEnv(port, metricsPort));
    try {
      const health = await waitForStatus(`http://127.0.0.1:${port}/healthz`, 200, container);
      assert.equal(await health.text(), 'ok');
      await waitForStatus(`http://127.0.0.1:${port}/readyz`, 200, container);
      const start = await fetch(`http://127.0.0.1:${port}/oauth2/start?rd=%2F`, { redirect: 'manual' });
      assert.equal(start.status, 302);
      assert.ok(start.headers.get('location')?.startsWith(idp.issuer), start.headers.get('location') ?? '');
      const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      assert.match(await metrics.text(), /gatehouse_http_requests_total/);
    } finally {
      await container.stop('SIGTERM');
    }
    assert.equal(container.process.exitStatus(), 'exit code 0', container.process.logs());
    assert.match(container.process.logs(), /"msg":"shutdown complete"/);
    assert.doesNotMatch(container.process.logs(), /EROFS|read-only file system/i);
  });

  it("under the chart's memory limit at its maximum rate for minutes: never OOM-killed, always answering, its peak clear of the limit", { timeout: 20 * 60_000 }, async () => {
    const limitBytes = chartMemoryLimit();
    const [port = 0] = await freePorts(1);
    const clientSecret = randomBytes(16).toString('hex');
    const loadIdp = await startTestIdp({ clients: [{ clientId: 'gatehouse', clientSecret, redirectUris: [`http://127.0.0.1:${port}/oauth2/callback`] }] });
    try {
      const run = await runUnderMemoryLimit({ rootfs: image.rootfs, config, idp: loadIdp, clientSecret, port, limitBytes, seconds: MEMORY_BOUNDS.loadSeconds });
      process.stdout.write(`${memoryFigures(run, limitBytes)}\n`);
      assert.equal(run.exited, undefined, `the container exited under load:\n${run.logs}`);
      assert.equal(run.final.oomKills, 0, 'OOM-killed');
      assert.equal(run.wrong, 0, `wrong answers: ${JSON.stringify([...run.statuses])}`);
      assert.ok(run.rate > MEMORY_BOUNDS.minRate, `only ${run.rate.toFixed(0)} checks/s`);
      assert.ok(run.final.peakBytes <= MEMORY_BOUNDS.peakShare * limitBytes, `peak ${run.final.peakBytes} bytes, above ${MEMORY_BOUNDS.peakShare} of the limit`);
      assert.equal(run.final.limitHits, 0, 'the cgroup reached its limit');
    } finally {
      await loadIdp.close();
    }
  });

  function gatehouseEnv(port: number, metricsPort: number): Record<string, string> {
    return {
      GATEHOUSE_OIDC_ISSUER_URL: idp.issuer,
      GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP: 'true',
      GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
      GATEHOUSE_OIDC_CLIENT_SECRET: 'image-test-secret',
      GATEHOUSE_REDIRECT_URL: `${ORIGIN}/oauth2/callback`,
      GATEHOUSE_COOKIE_SECRET: randomBytes(32).toString('base64'),
      GATEHOUSE_LISTEN_HOST: '127.0.0.1',
      GATEHOUSE_PORT: String(port || 4180),
      GATEHOUSE_METRICS_PORT: String(metricsPort || 9180),
    };
  }
});

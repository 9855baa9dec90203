/**
 * Graceful shutdown of the real process: on SIGTERM readiness fails, the port stops accepting
 * connections, a request in flight still completes, and the process exits 0.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { httpRequest } from '../../../e2e/support/http-client.ts';
import { localGatehouseEnv } from '../../../e2e/support/gatehouse-env.ts';
import { freePorts } from '../../../e2e/support/ports.ts';
import { startHarness } from '../support/harness.ts';
import { startRogueIdp } from '../support/rogue-idp.ts';

const MAIN = join(import.meta.dirname, '../../src/main.ts');

test('readyz answers 503 as soon as shutdown begins', async () => {
  const h = await startHarness();
  try {
    assert.equal((await h.request('/readyz')).status, 200);
    h.server.deps.lifecycle.shuttingDown = true;
    const res = await h.request('/readyz');
    assert.equal(res.status, 503);
    assert.equal(JSON.parse(res.body).checks.shuttingDown, true);
  } finally {
    h.server.deps.lifecycle.shuttingDown = false;
    await h.stop();
  }
});

test('SIGTERM: no new connections, the in-flight request finishes, exit code 0', async () => {
  const idp = await startRogueIdp('gatehouse');
  after(() => idp.close());
  const [port, metricsPort] = await freePorts(2);
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      ...localGatehouseEnv({ issuer: idp.issuer, clientSecret: 'secret', origin: base, port, metricsPort }, { GATEHOUSE_SHUTDOWN_TIMEOUT: '10s' }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit');
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  let ready = false;
  for (let i = 0; i < 100 && !ready; i++) {
    ready = await httpRequest(`${base}/readyz`).then((r) => r.status === 200, () => false);
    if (!ready) await sleep(50);
  }
  assert.ok(ready, output);

  const start = await httpRequest(`${base}/oauth2/start?rd=%2Fdone`);
  const authorize = new URL(start.headers.location ?? '');
  idp.setNonce(authorize.searchParams.get('nonce') ?? '');
  idp.setTokenDelay(1500);
  const cookie = (start.setCookies[0] ?? '').split(';')[0] ?? '';
  const inFlight = httpRequest(`${base}/oauth2/callback?code=c&state=${authorize.searchParams.get('state')}`, {
    headers: { cookie },
  });
  await sleep(300);
  child.kill('SIGTERM');
  await sleep(300);
  await assert.rejects(httpRequest(`${base}/healthz`), /ECONNREFUSED|ECONNRESET/, 'no new connections');
  const finished = await inFlight;
  assert.equal(finished.status, 302, 'the in-flight sign-in completed');
  assert.equal(finished.headers.location, '/done');
  const [code] = await exited;
  assert.equal(code, 0, output);
  assert.match(output, /shutdown complete/);
});

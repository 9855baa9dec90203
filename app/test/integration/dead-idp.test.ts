/** A provider that is down or hangs at start-up: gatehouse starts, is not ready, and answers fast. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { loadConfig } from '../../src/config/load-config.ts';
import { startServer } from '../../src/server/start-server.ts';
import { httpRequest } from '../../../e2e/support/http-client.ts';
import { freePorts } from '../../../e2e/support/ports.ts';

test('with a hanging provider: not ready, sign-in answers 502, checks still answer 401', async () => {
  // Accepts connections and never answers: the worst kind of dead provider.
  const sockets: import('node:net').Socket[] = [];
  const hang = createServer((socket) => void sockets.push(socket));
  await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', resolve));
  const [port, metricsPort] = await freePorts(2);
  const server = await startServer(
    loadConfig({
      GATEHOUSE_OIDC_ISSUER_URL: `http://127.0.0.1:${(hang.address() as import('node:net').AddressInfo).port}`,
      GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
      GATEHOUSE_OIDC_CLIENT_SECRET: 'secret',
      GATEHOUSE_OIDC_ALLOW_INSECURE_HTTP: 'true',
      GATEHOUSE_OIDC_TIMEOUT: '1s',
      GATEHOUSE_REDIRECT_URL: `http://127.0.0.1:${port}/oauth2/callback`,
      GATEHOUSE_COOKIE_SECRET: randomBytes(32).toString('base64'),
      GATEHOUSE_LISTEN_HOST: '127.0.0.1',
      GATEHOUSE_PORT: String(port),
      GATEHOUSE_METRICS_PORT: String(metricsPort),
      GATEHOUSE_LOG_LEVEL: 'silent',
    }),
  );
  after(async () => {
    await server.stop();
    for (const socket of sockets) socket.destroy();
    hang.close();
  });
  const base = `http://127.0.0.1:${port}`;
  const ready = await httpRequest(`${base}/readyz`);
  assert.equal(ready.status, 503);
  assert.equal(JSON.parse(ready.body).checks.idpDiscovery, false);
  const start = await httpRequest(`${base}/oauth2/start?rd=%2F`, { headers: { accept: 'text/html' } });
  assert.equal(start.status, 502);
  assert.match(start.body, /identity provider cannot be reached/);
  assert.equal((await httpRequest(`${base}/oauth2/auth`)).status, 401);
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createTcpServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { AppError } from '../errors.ts';
import { listen } from './listen.ts';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

test('a port in use is one LISTEN_FAILED error naming the variable and the address', async () => {
  const held = await holdPort();
  try {
    const error = await listen(createServer(), held.port, '127.0.0.1', 'GATEHOUSE_METRICS_PORT').then(
      () => assert.fail('listened on a taken port'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'LISTEN_FAILED');
    assert.equal(error.message, `GATEHOUSE_METRICS_PORT: 127.0.0.1:${held.port} is already in use by another program; stop it or set GATEHOUSE_METRICS_PORT to a free port`);
  } finally {
    held.server.close();
  }
});

test('gatehouse started on a taken GATEHOUSE_PORT says so in one line, without a stack trace, and exits 1', async () => {
  const held = await holdPort();
  const metrics = await holdPort();
  // Free again for gatehouse: only its main port is taken.
  await new Promise<void>((resolve) => metrics.server.close(() => resolve()));
  try {
    const run = spawnSync(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        GATEHOUSE_AUTH_PROVIDER: 'authelia',
        GATEHOUSE_TRUSTED_HEADER_SOURCES: '127.0.0.1/32',
        GATEHOUSE_COOKIE_SECRET: Buffer.alloc(32, 3).toString('base64'),
        GATEHOUSE_LISTEN_HOST: '127.0.0.1',
        GATEHOUSE_PORT: String(held.port),
        GATEHOUSE_METRICS_PORT: String(metrics.port),
        GATEHOUSE_LOG_LEVEL: 'error',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(run.status, 1);
    assert.equal(
      run.stderr,
      `gatehouse: failed to start: GATEHOUSE_PORT: 127.0.0.1:${held.port} is already in use by another program; stop it or set GATEHOUSE_PORT to a free port\n`,
    );
  } finally {
    held.server.close();
  }
});

test('an address the machine lacks names GATEHOUSE_LISTEN_HOST', async () => {
  await assert.rejects(listen(createServer(), 0, '192.0.2.1', 'GATEHOUSE_PORT'), /^AppError: GATEHOUSE_LISTEN_HOST: 192\.0\.2\.1 is not an address of this machine/);
});

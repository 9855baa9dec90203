// The tests that write to the system temp folder clean up after themselves: run against a temp
// folder of their own, each leaves it empty (a cookie-secret file among what used to remain).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { startSourceServer } from '../../app/test/support/source-server.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function emptyTempFolder(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-tmp-check-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

for (const file of ['app/src/config/load-config.test.ts', 'app/test/integration/key-rotation.test.ts']) {
  test(`${file} leaves the temp folder as it found it`, (t) => {
    const dir = emptyTempFolder(t);
    // Without NODE_TEST_CONTEXT the child runs its files itself rather than deferring to this runner.
    const { NODE_TEST_CONTEXT: _parent, ...env } = process.env;
    const run = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', file], {
      cwd: ROOT,
      env: { ...env, TMPDIR: dir },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /ℹ pass [1-9]/);
    assert.match(run.stdout, /ℹ fail 0/);
    assert.deepEqual(readdirSync(dir), []);
  });
}

test('a source server removes the directory of its config file when stopped', async (t) => {
  const dir = emptyTempFolder(t);
  const saved = process.env.TMPDIR;
  // os.tmpdir() reads TMPDIR on every call.
  process.env.TMPDIR = dir;
  try {
    const server = await startSourceServer(
      { GATEHOUSE_AUTH_PROVIDER: 'authelia', GATEHOUSE_TRUSTED_HEADER_SOURCES: '127.0.0.1/32', GATEHOUSE_COOKIE_SECRET: Buffer.alloc(32, 1).toString('base64') },
      'default_roles: [viewer]\n',
    );
    assert.equal(readdirSync(dir).length, 1, 'the config file is written there');
    await server.stop();
    await assert.rejects(startSourceServer({ GATEHOUSE_AUTH_PROVIDER: 'nonsense' }, 'default_roles: [viewer]\n'));
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  assert.deepEqual(readdirSync(dir), []);
});

/**
 * A short run of `make bench` (one-second rounds, a few hundred users) so that the benchmark never
 * rots: every row and table is produced and the results and plot are written. No thresholds: a
 * target missed on a busy machine exits 1 and is accepted here; a crash is not.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { APACHE_ROWS } from '../../bench/apache-peer.ts';

const root = join(import.meta.dirname, '..', '..');
const output = mkdtempSync(join(tmpdir(), 'gatehouse-bench-smoke-'));
after(() => rmSync(output, { recursive: true, force: true }));

test('make bench runs every row and writes its results and plot', { timeout: 600_000 }, async () => {
  const child = spawn(process.execPath, [join(root, 'bench/run-bench.ts')], {
    env: { ...process.env, BENCH_SECONDS: '1', BENCH_ROUNDS: '1', BENCH_USERS: '300', BENCH_MILLION_USERS: '600', BENCH_OUTPUT: output },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.ok(code === 0 || code === 1, `exit ${code}\n${stderr}`);
  for (const expected of ['| bare Node http server (200) |', '300 users (a random one per request)', '600 users (a random one per request)', '600 users ÷ 300 users', 'Through nginx at', 'auth-keepalive', 'Sidecar mode', ...Object.values(APACHE_ROWS), 'gatehouse ÷ mod_auth_openidc (memory store ÷ shm cache', "Apache's static file ÷ bare Node"]) {
    assert.ok(stdout.includes(expected), `${expected} missing from:\n${stdout}\n${stderr}`);
  }
  const results = JSON.parse(readFileSync(join(output, 'results.json'), 'utf8')) as { throughput: { requestsPerSecond: number; ratio: number }[]; nginx: { rows: unknown[] } };
  assert.ok(results.throughput.length >= 3);
  for (const row of results.throughput) assert.ok(row.requestsPerSecond > 0 && Number.isFinite(row.ratio), JSON.stringify(row));
  assert.equal(results.nginx.rows.length, 3);
  assert.match(readFileSync(join(output, 'results.md'), 'utf8'), /\| target \| requests\/s \| p50 ms \| p99 ms \|/);
  assert.match(readFileSync(join(output, 'benchmark.svg'), 'utf8'), /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"[\s\S]*<\/svg>\n$/);
});

/**
 * The soak in CI: 60 s (SOAK_TEST_SECONDS) at 80 % of the measured maximum rate on the Redis
 * store; RSS, heap, descriptors, Redis connections and event-loop delay sampled every 10 s stay
 * within the bounds of soak-bounds.ts, and every check is answered as it must be. `make soak`
 * runs the 10-minute version and writes docs/soak.md.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { soakTable } from './soak-report.ts';
import { runSoak } from './soak-run.ts';

const seconds = Number(process.env.SOAK_TEST_SECONDS ?? 60);

test(`${seconds} s at 80 % of the maximum rate: nothing grows past its bound`, { timeout: (seconds + 120) * 1000 }, async () => {
  const result = await runSoak({ seconds, maxRateSeconds: 5 });
  process.stdout.write(`maximum ${result.maxRate.toFixed(0)} checks/s, soaked at ${result.targetRate}\n${soakTable(result.samples)}\n`);
  assert.ok(result.samples.length >= seconds / 10, `${result.samples.length} samples`);
  assert.deepEqual(result.problems, []);
  assert.ok(result.maxRate > 100, `only ${result.maxRate.toFixed(0)} checks/s`);
});

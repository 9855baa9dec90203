import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { createFastHistogram } from './fast-histogram.ts';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const name = 'test_duration_seconds';
const help = 'Time to answer, by endpoint';

/** The same observations through prom-client's Histogram and through the fast one. */
async function bothExpositions(observations: ReadonlyArray<readonly [string, number]>): Promise<[string, string]> {
  const theirs = new Registry();
  const reference = new Histogram({ name, help, labelNames: ['endpoint'], buckets: BUCKETS, registers: [theirs] });
  const ours = new Registry();
  const fast = createFastHistogram<'endpoint'>({ name, help, buckets: BUCKETS, registry: ours });
  for (const [endpoint, seconds] of observations) {
    reference.labels({ endpoint }).observe(seconds);
    fast.labels({ endpoint }).observe(seconds);
  }
  return [await theirs.metrics(), await ours.metrics()];
}

test('exposes the same text as prom-client for the same observations, bounds and beyond included', async () => {
  const [theirs, ours] = await bothExpositions([
    ['/oauth2/auth', 0.0004],
    ['/oauth2/auth', 0.0005],
    ['/oauth2/auth', 0.003],
    ['/oauth2/forward-auth', 7],
    ['/oauth2/auth', 0.2],
  ]);
  assert.equal(ours, theirs);
  assert.match(ours, /test_duration_seconds_bucket\{le="0.001",endpoint="\/oauth2\/auth"\} 2/);
  assert.match(ours, /test_duration_seconds_count\{endpoint="\/oauth2\/forward-auth"\} 1/);
});

test('agrees with prom-client for any observations', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('/a', '/b', 'other'), fc.double({ min: 0, max: 10, noNaN: true })), { maxLength: 50 }), async (observations) => {
      const [theirs, ours] = await bothExpositions(observations);
      assert.equal(ours, theirs);
    }),
    { numRuns: 100 },
  );
});

test('the same labels give the same series; a timer observes the time since it started', async () => {
  const registry = new Registry();
  const fast = createFastHistogram<'endpoint'>({ name, help, buckets: BUCKETS, registry });
  assert.equal(fast.labels({ endpoint: '/a' }), fast.labels({ endpoint: '/a' }));
  const end = fast.startTimer();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = end({ endpoint: '/a' });
  assert.ok(seconds >= 0.015 && seconds < 5, `${seconds}`);
  assert.match(await registry.metrics(), /test_duration_seconds_count\{endpoint="\/a"\} 1\n/);
  const [json] = await registry.getMetricsAsJSON();
  assert.deepEqual((json?.values as Array<{ metricName?: string; labels: object }> | undefined)?.find((v) => v.metricName === `${name}_count`)?.labels, { endpoint: '/a' });
});

test('drops an observation that is not a number instead of poisoning the sum', async () => {
  const registry = new Registry();
  const fast = createFastHistogram<'endpoint'>({ name, help, buckets: BUCKETS, registry });
  fast.labels({ endpoint: '/a' }).observe(Number.NaN);
  fast.labels({ endpoint: '/a' }).observe(0.002);
  assert.match(await registry.metrics(), /test_duration_seconds_sum\{endpoint="\/a"\} 0.002\n/);
  registry.resetMetrics();
  assert.doesNotMatch(await registry.metrics(), /endpoint="\/a"/);
});

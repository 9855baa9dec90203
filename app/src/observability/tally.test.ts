import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter, Registry } from 'prom-client';
import { createTally } from './tally.ts';

test('counts reach the counter on flush, once', async () => {
  const registry = new Registry();
  const counter = new Counter({ name: 't_total', help: 'h', labelNames: ['r'], registers: [registry] });
  const tally = createTally(counter);
  tally.inc('a', { r: 'a' });
  tally.inc('a', { r: 'a' });
  tally.inc('b', { r: 'b' });
  tally.flush();
  tally.flush();
  const values = (await counter.get()).values.map((v) => [v.labels.r, v.value]);
  assert.deepEqual(values.sort(), [['a', 2], ['b', 1]]);
});

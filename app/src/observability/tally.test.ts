import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter, Registry } from 'prom-client';
import { createTally } from './tally.ts';

test('counts reach the counter on flush, once', async () => {
  const registry = new Registry();
  const counter = new Counter({ name: 't_total', help: 'h', labelNames: ['r'], registers: [registry] });
  const tally = createTally(counter);
  tally.countOf({ r: 'a' }).count += 1;
  tally.countOf({ r: 'a' }).count += 1;
  tally.countOf({ r: 'b' }).count += 1;
  tally.flush();
  tally.flush();
  const values = (await counter.get()).values.map((v) => [v.labels.r, v.value]);
  assert.deepEqual(values.sort(), [['a', 2], ['b', 1]]);
});

test('the same labels, in any order, share one count', () => {
  const registry = new Registry();
  const counter = new Counter({ name: 't_total', help: 'h', labelNames: ['a', 'b'], registers: [registry] });
  const tally = createTally(counter);
  assert.equal(tally.countOf({ a: '1', b: '2' }), tally.countOf({ b: '2', a: '1' }));
  assert.notEqual(tally.countOf({ a: '1', b: '2' }), tally.countOf({ a: '1', b: '3' }));
});

test('counts made after a flush are added at the next one', async () => {
  const registry = new Registry();
  const counter = new Counter({ name: 't_total', help: 'h', labelNames: ['r'], registers: [registry] });
  const tally = createTally(counter);
  const kept = tally.countOf({ r: 'a' });
  kept.count += 3;
  tally.flush();
  kept.count += 2;
  tally.flush();
  assert.deepEqual((await counter.get()).values.map((v) => v.value), [5]);
});

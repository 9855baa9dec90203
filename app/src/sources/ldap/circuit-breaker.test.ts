import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCircuitBreaker, type CircuitState } from './circuit-breaker.ts';

const breaker = (changes: CircuitState[] = []) => {
  let now = 0;
  const b = createCircuitBreaker({ threshold: 3, openMs: 1000, now: () => now, onChange: (s) => changes.push(s) });
  return { b, advance: (ms: number) => void (now += ms) };
};

test('stays closed below the threshold, and a success resets the count', () => {
  const { b } = breaker();
  b.failed();
  b.failed();
  b.succeeded();
  b.failed();
  b.failed();
  assert.equal(b.state(), 'closed');
  assert.equal(b.allow(), true);
});

test('opens after the threshold in a row and refuses every call while open', () => {
  const changes: CircuitState[] = [];
  const { b, advance } = breaker(changes);
  for (let i = 0; i < 3; i++) b.failed();
  assert.equal(b.state(), 'open');
  for (let i = 0; i < 5; i++) assert.equal(b.allow(), false);
  advance(999);
  assert.equal(b.allow(), false);
  assert.deepEqual(changes, ['open']);
});

test('after the open period exactly one probe goes out; its success closes the circuit', () => {
  const changes: CircuitState[] = [];
  const { b, advance } = breaker(changes);
  for (let i = 0; i < 3; i++) b.failed();
  advance(1000);
  assert.equal(b.allow(), true, 'the probe');
  assert.equal(b.allow(), false, 'a second call while the probe is out');
  b.succeeded();
  assert.equal(b.state(), 'closed');
  assert.equal(b.allow(), true);
  assert.deepEqual(changes, ['open', 'half-open', 'closed']);
});

test("a failed probe opens the circuit again for a whole period, without waiting for the threshold", () => {
  const { b, advance } = breaker();
  for (let i = 0; i < 3; i++) b.failed();
  advance(1000);
  assert.equal(b.allow(), true);
  b.failed();
  assert.equal(b.state(), 'open');
  advance(500);
  assert.equal(b.allow(), false);
  advance(500);
  assert.equal(b.allow(), true);
});

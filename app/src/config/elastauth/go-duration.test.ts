import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { goDurationToGatehouse, parseGoDuration } from './go-duration.ts';

const NS = 1_000_000n;
// (Go duration, nanoseconds, or undefined when Go refuses it)
const cases: Array<[string, bigint | undefined]> = [
  ['0', 0n],
  ['1h', 3_600_000n * NS],
  ['2h30m', 9_000_000n * NS],
  ['1h0m0s', 3_600_000n * NS],
  ['1.5h', 5_400_000n * NS],
  ['.5s', 500n * NS],
  ['1.1s', 1_100n * NS],
  ['300ms', 300n * NS],
  ['1500us', 1_500_000n],
  ['1500µs', 1_500_000n],
  ['7ns', 7n],
  ['-1m', -60_000n * NS],
  ['+1m', 60_000n * NS],
  ['1d', undefined],
  ['1', undefined],
  ['h', undefined],
  ['1h 30m', undefined],
  ['', undefined],
  ['.s', undefined],
];

for (const [text, expected] of cases) {
  test(`parseGoDuration(${JSON.stringify(text)})`, () => assert.equal(parseGoDuration(text), expected));
}

test('gatehouse keeps a form it reads the same way, and converts the rest exactly', () => {
  assert.deepEqual(goDurationToGatehouse('90m'), { value: '90m' });
  assert.deepEqual(goDurationToGatehouse('24h'), { value: '24h' });
  assert.deepEqual(goDurationToGatehouse('1440m0s'), { value: '1d' });
  assert.deepEqual(goDurationToGatehouse('1.001s'), { value: '1001ms' });
});

test('conversion never throws and, when it succeeds, yields a single-unit duration', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9.]{1,6}(ns|us|ms|s|m|h)([0-9]{1,3}(m|s))?$/)), (text) => {
      const result = goDurationToGatehouse(text);
      if ('value' in result) assert.match(result.value, /^\d+(ms|s|m|h|d)$/);
    }),
  );
});

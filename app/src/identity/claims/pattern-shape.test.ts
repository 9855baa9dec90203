import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspectPattern } from './pattern-shape.ts';

const cases: [string, { start: boolean; end: boolean; alt: boolean; nested: boolean }][] = [
  ['^([^@]+)@staff\\.example\\.com$', { start: true, end: true, alt: false, nested: false }],
  ['([^@]+)@staff\\.example\\.com', { start: false, end: false, alt: false, nested: false }],
  ['^([^@]+)@staff\\.example\\.com', { start: true, end: false, alt: false, nested: false }],
  ['^(.+)\\$', { start: true, end: false, alt: false, nested: false }],
  ['^(.+)\\\\$', { start: true, end: true, alt: false, nested: false }],
  ['^(a)$|(.*)', { start: true, end: false, alt: true, nested: false }],
  ['^(a)$|^(b)$', { start: true, end: true, alt: true, nested: false }],
  ['^(?:(a)|(b))$', { start: true, end: true, alt: false, nested: false }],
  ['^[|(]+(x)$', { start: true, end: true, alt: false, nested: false }],
  ['^(a+)+$', { start: true, end: true, alt: false, nested: true }],
  ['^((?:a|b)*)*$', { start: true, end: true, alt: false, nested: true }],
  ['^((a)+)+$', { start: true, end: true, alt: false, nested: true }],
  ['^(a+){2,}$', { start: true, end: true, alt: false, nested: true }],
  ['^(a+){1}$', { start: true, end: true, alt: false, nested: false }],
  ['^(a+)?$', { start: true, end: true, alt: false, nested: false }],
  ['^(a)+$', { start: true, end: true, alt: false, nested: false }],
  ['^(?<user>[a-z]+)@(?=x)x$', { start: true, end: true, alt: false, nested: false }],
  ['^(a+?)+$', { start: true, end: true, alt: false, nested: true }],
];

for (const [source, want] of cases) {
  test(`shape of ${source}`, () => {
    const shape = inspectPattern(source);
    assert.deepEqual(
      { start: shape.anchoredStart, end: shape.anchoredEnd, alt: shape.topLevelAlternation, nested: shape.nestedQuantifier },
      want,
    );
  });
}

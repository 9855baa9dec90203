import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { hasDuplicateMembers } from './json-duplicates.ts';

// (JSON text, whether a name repeats within one object)
const cases: Array<[string, boolean]> = [
  ['{"iss":"a","sub":"b"}', false],
  ['{"iss":"a","iss":"b"}', true],
  ['{"iss":"a","\\u0069ss":"b"}', true],
  ['{"a":{"x":1},"b":{"x":2}}', false],
  ['{"a":{"x":1,"x":2}}', true],
  ['{"a":[{"x":1},{"x":2}]}', false],
  ['{"a":"{\\"a\\":1,\\"a\\":2}"}', false],
  ['{"a":"x","b":"a"}', false],
  ['{"a\\"":1,"a":2}', false],
  ['{"a":1,"b":[1,{"c":2,"c":3}]}', true],
  ['[{"a":1},{"a":1}]', false],
  ['{}', false],
];

for (const [text, duplicate] of cases) {
  test(`duplicate members in ${text}: ${duplicate}`, () => {
    JSON.parse(text);
    assert.equal(hasDuplicateMembers(text), duplicate);
  });
}

test('property: JSON.stringify never repeats a name; repeating one is always noticed', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1, maxKeys: 6 }), (object) => {
      const text = JSON.stringify(object);
      assert.equal(hasDuplicateMembers(text), false);
      const [first] = Object.keys(object);
      const repeated = `${text.slice(0, -1)},${JSON.stringify(first)}:0}`;
      assert.equal(hasDuplicateMembers(repeated), true, repeated);
    }),
    { seed: 1201, numRuns: 500 },
  );
});

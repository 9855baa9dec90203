import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { expandEnvRefs } from './expand-env-refs.ts';

function expand(tree: unknown, env: Record<string, string | undefined> = {}): { value: unknown; problems: string[] } {
  const problems: string[] = [];
  return { value: expandEnvRefs(tree, env, problems), problems };
}

// (input string, env, expected output, expected problems)
const cases: Array<[string, Record<string, string>, string, string[]]> = [
  ['plain', {}, 'plain', []],
  ['${A}', { A: 'x' }, 'x', []],
  ['pre-${A}-post', { A: 'x' }, 'pre-x-post', []],
  ['${A}${B}', { A: '1', B: '2' }, '12', []],
  ['${EMPTY}', { EMPTY: '' }, '', []],
  ['$${A}', { A: 'x' }, '${A}', []],
  ['p$$w${A}', { A: 'x' }, 'p$$wx', []],
  ['cost $5', {}, 'cost $5', []],
  ['$A', { A: 'x' }, '$A', []],
  ['trailing $', {}, 'trailing $', []],
  ['${A}', { A: '${B}', B: 'injected' }, '${B}', []],
  ['${A}', { A: '$${B}' }, '$${B}', []],
  ['${MISSING}', {}, '${MISSING}', ['k: ${MISSING} is not set']],
  ['${A:-default}', { A: 'x' }, '${A:-default}', ['k: malformed reference at character 1; write ${NAME} (letters, digits, _) or $${ for a literal ${']],
  ['x ${unclosed', {}, 'x ${unclosed', ['k: malformed reference at character 3; write ${NAME} (letters, digits, _) or $${ for a literal ${']],
  ['${}', {}, '${}', ['k: malformed reference at character 1; write ${NAME} (letters, digits, _) or $${ for a literal ${']],
  ['${1A}', { '1A': 'x' }, '${1A}', ['k: malformed reference at character 1; write ${NAME} (letters, digits, _) or $${ for a literal ${']],
];

for (const [input, env, expected, problems] of cases) {
  test(`expands ${JSON.stringify(input)}`, () => {
    const result = expand({ k: input }, env);
    assert.deepEqual(result.problems, problems);
    assert.deepEqual(result.value, problems.length === 0 ? { k: expected } : {});
  });
}

test('a missing variable names the config path, including list positions', () => {
  const tree = { elasticsearch: { hosts: ['https://a', '${HOST_2}'], password: '${ELASTICSEARCH_PASSWORD}' } };
  assert.deepEqual(expand(tree).problems, [
    'elasticsearch.hosts[1]: ${HOST_2} is not set',
    'elasticsearch.password: ${ELASTICSEARCH_PASSWORD} is not set',
  ]);
});

test('a string that fails to expand is left out, whether a mapping value or a list item', () => {
  const result = expand({ a: '${MISSING}', b: ['x', '${MISSING}', 'y'], c: 'kept' });
  assert.deepEqual(result.value, { b: ['x', 'y'], c: 'kept' });
  assert.equal(result.problems.length, 2);
});

test('keys are never expanded and non-strings pass through', () => {
  const tree = { '${A}': { n: 1, b: true, z: null, list: [2, '${A}'] } };
  assert.deepEqual(expand(tree, { A: 'x' }).value, { '${A}': { n: 1, b: true, z: null, list: [2, 'x'] } });
});

test('the input is not modified', () => {
  const tree = { a: { b: '${A}' } };
  expand(tree, { A: 'x' });
  assert.deepEqual(tree, { a: { b: '${A}' } });
});

test('a __proto__ key stays an own key', () => {
  const tree = JSON.parse('{"__proto__": {"polluted": "${A}"}}') as Record<string, unknown>;
  const value = expand(tree, { A: 'x' }).value as Record<string, unknown>;
  assert.ok(Object.hasOwn(value, '__proto__'));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('a variable the env record only inherits is not set', () => {
  const env = Object.create({ INHERITED: 'x' }) as Record<string, string>;
  assert.deepEqual(expand({ k: '${INHERITED}' }, env).problems, ['k: ${INHERITED} is not set']);
});

test('nesting beyond the bound is a problem, not a stack overflow', () => {
  let tree: unknown = 'leaf';
  for (let i = 0; i < 100; i++) tree = [tree];
  assert.equal(expand(tree).problems.length, 1);
});

test('strings without `${` come back unchanged and expansion never throws', () => {
  fc.assert(
    fc.property(fc.string(), fc.dictionary(fc.string(), fc.string()), (text, env) => {
      const result = expand({ k: text }, env);
      if (!text.includes('${')) assert.deepEqual(result.value, { k: text });
    }),
  );
});

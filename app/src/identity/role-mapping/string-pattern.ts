/**
 * Decides how a string rule value is matched, following Elastic's `FieldValue`: `/.../` is a
 * whole-value Lucene regex, a value containing `*` is a wildcard (so `?` alone stays literal),
 * and anything else is compared exactly.
 */
import { compileAutomaton, MAX_STATES } from './automaton.ts';
import { parseLuceneRegex } from './lucene-regex.ts';
import { ANY_CHAR, rep } from './pattern-ast.ts';
import type { PatternNode } from './pattern-ast.ts';
import type { StringPattern } from './types.ts';
import { wildcardToPattern } from './wildcard.ts';

/** Longer configured patterns are refused. */
export const MAX_PATTERN_LENGTH = 1_000;

/** Longer values never match a pattern, which bounds the work one match can cost. */
export const MAX_INPUT_LENGTH = 4_096;

/** True for values Elastic treats as a Lucene regex. */
export function isRegexValue(value: string): boolean {
  return value.length > 1 && value.startsWith('/') && value.endsWith('/');
}

/**
 * Compiles `value` into a pattern; `undefined` means "compare exactly", a string is the reason
 * the value cannot be used.
 */
export function compileStringPattern(value: string): StringPattern | string | undefined {
  const regex = isRegexValue(value);
  if (!regex && !value.includes('*')) return undefined;
  if (value.length > MAX_PATTERN_LENGTH) return `pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
  let tree: PatternNode | string;
  if (regex) {
    tree = parseLuceneRegex(value.slice(1, -1));
    if (typeof tree === 'string') return `invalid regular expression ${value}: ${tree}`;
  } else if (value.startsWith('/')) {
    return `invalid pattern ${value}: patterns starting with '/' must end with '/'`;
  } else {
    tree = value === '*' ? rep(ANY_CHAR, 0, Infinity) : wildcardToPattern(value);
  }
  const automaton = compileAutomaton(tree);
  if (!automaton) return `pattern ${value} expands to more than ${MAX_STATES} states`;
  return {
    source: value,
    test: (input: string): boolean => input.length <= MAX_INPUT_LENGTH && automaton.run(input),
  };
}

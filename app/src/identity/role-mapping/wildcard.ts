/**
 * Lucene wildcard syntax as Elastic uses it for role-mapping values: `*` is any sequence, `?` any
 * single character, and `\` makes the next character literal. The whole value must match.
 */
import { ANY_CHAR, char, rep, seq } from './pattern-ast.ts';
import type { PatternNode } from './pattern-ast.ts';

/** Converts a wildcard pattern to a pattern tree. */
export function wildcardToPattern(pattern: string): PatternNode {
  const chars = Array.from(pattern);
  const items: PatternNode[] = [];
  let afterStar = false;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '*') {
      // Adjacent stars add nothing but states.
      if (!afterStar) items.push(rep(ANY_CHAR, 0, Infinity));
    } else if (c === '?') {
      items.push(ANY_CHAR);
    } else if (c === '\\' && i + 1 < chars.length) {
      i++;
      items.push(char((chars[i] as string).codePointAt(0) ?? 0));
    } else {
      items.push(char(c.codePointAt(0) ?? 0));
    }
    afterStar = c === '*';
  }
  return seq(items);
}

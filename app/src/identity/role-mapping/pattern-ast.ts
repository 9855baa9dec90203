/**
 * The small expression tree that wildcards and Lucene-style regular expressions compile to
 * before they become an automaton. Characters are Unicode code points.
 */

/** A set of code points: inclusive ranges, optionally negated. */
export interface CharSet {
  readonly t: 'set';
  readonly ranges: ReadonlyArray<readonly [number, number]>;
  readonly negated: boolean;
}

/** A pattern expression node. */
export type PatternNode =
  | CharSet
  | { readonly t: 'seq'; readonly items: readonly PatternNode[] }
  | { readonly t: 'alt'; readonly items: readonly PatternNode[] }
  /** `max` is `Infinity` for unbounded repetition. */
  | { readonly t: 'rep'; readonly node: PatternNode; readonly min: number; readonly max: number }
  /** Matches nothing at all (Lucene's `#`). */
  | { readonly t: 'none' };

/** Matches exactly one code point `cp`. */
export function char(cp: number): CharSet {
  return { t: 'set', ranges: [[cp, cp]], negated: false };
}

/** Matches any one code point. */
export const ANY_CHAR: CharSet = { t: 'set', ranges: [], negated: true };

/** Matches any code point between `lo` and `hi` inclusive. */
export function range(lo: number, hi: number): CharSet {
  return { t: 'set', ranges: [[lo, hi]], negated: false };
}

/** Concatenation; an empty list matches the empty string. */
export function seq(items: readonly PatternNode[]): PatternNode {
  return items.length === 1 && items[0] ? items[0] : { t: 'seq', items };
}

/** Alternation of at least one branch. */
export function alt(items: readonly PatternNode[]): PatternNode {
  return items.length === 1 && items[0] ? items[0] : { t: 'alt', items };
}

/** Repetition between `min` and `max` times. */
export function rep(node: PatternNode, min: number, max: number): PatternNode {
  return { t: 'rep', node, min, max };
}

/** Matches the literal text `text`. */
export function literal(text: string): PatternNode {
  return seq(Array.from(text, (c) => char(c.codePointAt(0) ?? 0)));
}

/**
 * A lexical look at a regex source, enough to lint claim patterns without a full parser. It
 * understands escapes, character classes, group prefixes and quantifiers; the source is assumed
 * to have compiled already, so malformed input only needs to not crash the scan.
 */

/** What the lint needs to know about a pattern. */
export interface PatternShape {
  /** The source starts with `^`. */
  readonly anchoredStart: boolean;
  /** The source ends with an unescaped `$`. */
  readonly anchoredEnd: boolean;
  /** A `|` outside every group, which would let one branch escape the anchors. */
  readonly topLevelAlternation: boolean;
  /** A repeated group that itself contains a repetition, e.g. `(a+)+`: exponential backtracking. */
  readonly nestedQuantifier: boolean;
}

/** Length of a `{n}`, `{n,}` or `{n,m}` quantifier at `i`, and whether it can repeat; 0 if none. */
function braceQuantifier(source: string, i: number): { length: number; repeats: boolean } {
  const match = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i, i + 40));
  if (!match) return { length: 0, repeats: false };
  const min = Number(match[1]);
  const max = match[2] === undefined ? min : match[3] === '' ? Infinity : Number(match[3]);
  return { length: match[0].length, repeats: max > 1 };
}

/** Index just past the prefix of a group opened at `i` (`(`, `(?:`, `(?<name>`, `(?=`, `(?i:` …). */
function skipGroupPrefix(source: string, i: number): number {
  let j = i + 1;
  if (source[j] !== '?') return j;
  j += 1;
  if (source[j] === '<' && source[j + 1] !== '=' && source[j + 1] !== '!') {
    const close = source.indexOf('>', j);
    return close === -1 ? source.length : close + 1;
  }
  if (source[j] === '<') return j + 2;
  while (j < source.length && /[a-zA-Z-]/.test(source[j] ?? '')) j += 1;
  return j + 1;
}

/** Scans a regex source once and reports its shape. */
export function inspectPattern(source: string): PatternShape {
  // Each open group records whether anything inside it repeats.
  const groups: boolean[] = [false];
  let topLevelAlternation = false;
  let nestedQuantifier = false;
  let inClass = false;
  // Whether the atom just scanned was a group containing a repetition (null: not a group).
  let lastGroupRepeats: boolean | null = null;
  let afterQuantifier = false;
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') {
      i += 2;
      lastGroupRepeats = null;
      afterQuantifier = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      i += 1;
      continue;
    }
    const brace = c === '{' ? braceQuantifier(source, i) : { length: 0, repeats: false };
    const isQuantifier = c === '*' || c === '+' || c === '?' || brace.length > 0;
    if (isQuantifier) {
      // A `?` straight after a quantifier makes it lazy; it is not a quantifier of its own.
      if (!(c === '?' && afterQuantifier)) {
        const repeats = c === '*' || c === '+' || brace.repeats;
        if (repeats) {
          if (lastGroupRepeats === true) nestedQuantifier = true;
          groups[groups.length - 1] = true;
        }
      }
      afterQuantifier = c !== '?' || !afterQuantifier;
      i += brace.length > 0 ? brace.length : 1;
      continue;
    }
    afterQuantifier = false;
    lastGroupRepeats = null;
    if (c === '[') {
      inClass = true;
      // A `]` first in a class (or after `^`) is a literal in most dialects; JS treats `[]` as empty.
      i += 1;
    } else if (c === '(') {
      groups.push(false);
      i = skipGroupPrefix(source, i);
    } else if (c === ')') {
      if (groups.length > 1) {
        const inner = groups.pop() === true;
        lastGroupRepeats = inner;
        if (inner) groups[groups.length - 1] = true;
      }
      i += 1;
    } else {
      if (c === '|' && groups.length === 1) topLevelAlternation = true;
      i += 1;
    }
  }
  return {
    anchoredStart: source.startsWith('^'),
    anchoredEnd: endsWithUnescapedDollar(source),
    topLevelAlternation,
    nestedQuantifier,
  };
}

function endsWithUnescapedDollar(source: string): boolean {
  if (!source.endsWith('$')) return false;
  let backslashes = 0;
  for (let i = source.length - 2; i >= 0 && source[i] === '\\'; i -= 1) backslashes += 1;
  return backslashes % 2 === 0;
}

/**
 * Lucene's `<min-max>` regex syntax: a decimal integer in an inclusive range. When both bounds
 * are written with the same number of digits the value must have exactly that many digits
 * (zero-padded); otherwise any number of leading zeros is accepted, as in Lucene.
 */
import { alt, char, range, rep, seq } from './pattern-ast.ts';
import type { PatternNode } from './pattern-ast.ts';

/** Lucene parses the bounds as Java ints. */
const MAX_BOUND = 2_147_483_647;

const DIGIT = range(0x30, 0x39);

function digitAt(text: string, i: number): number {
  return text.charCodeAt(i) - 0x30;
}

// Both bounds have the same width; splitting on the first digit keeps the tree linear in width.
function fixedWidth(lo: string, hi: string): PatternNode {
  if (lo.length === 0) return seq([]);
  const rest = lo.length - 1;
  const a = digitAt(lo, 0);
  const b = digitAt(hi, 0);
  if (a === b) return seq([char(0x30 + a), fixedWidth(lo.slice(1), hi.slice(1))]);
  const loRest = lo.slice(1);
  const hiRest = hi.slice(1);
  if (/^0*$/.test(loRest) && /^9*$/.test(hiRest)) return seq([range(0x30 + a, 0x30 + b), rep(DIGIT, rest, rest)]);
  const branches: PatternNode[] = [seq([char(0x30 + a), fixedWidth(loRest, '9'.repeat(rest))])];
  if (b - a > 1) branches.push(seq([range(0x31 + a, 0x2f + b), rep(DIGIT, rest, rest)]));
  branches.push(seq([char(0x30 + b), fixedWidth('0'.repeat(rest), hiRest)]));
  return alt(branches);
}

/**
 * Builds the pattern for the body of `<...>` (without the angle brackets), or returns an error
 * message.
 */
export function numericInterval(body: string): PatternNode | string {
  const dash = body.indexOf('-');
  const minText = body.slice(0, dash);
  const maxText = body.slice(dash + 1);
  if (dash < 0 || !/^\d+$/.test(minText) || !/^\d+$/.test(maxText)) {
    return `interval <${body}> must be <min-max> with decimal bounds`;
  }
  let min = Number(minText);
  let max = Number(maxText);
  if (min > MAX_BOUND || max > MAX_BOUND) return `interval <${body}> has a bound above ${MAX_BOUND}`;
  if (min > max) [min, max] = [max, min];
  if (minText.length === maxText.length) {
    const width = minText.length;
    return fixedWidth(String(min).padStart(width, '0'), String(max).padStart(width, '0'));
  }
  const minWidth = String(min).length;
  const maxWidth = String(max).length;
  const byWidth: PatternNode[] = [];
  for (let w = minWidth; w <= maxWidth; w++) {
    const lo = w === minWidth ? min : 10 ** (w - 1);
    const hi = w === maxWidth ? max : 10 ** w - 1;
    byWidth.push(fixedWidth(String(lo), String(hi)));
  }
  return seq([rep(char(0x30), 0, Infinity), alt(byWidth)]);
}

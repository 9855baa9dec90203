/**
 * Compiles one `claims.<field>.pattern` and lints it. Elastic applies claim patterns with
 * `Matcher.find()`, an unanchored search, so an unanchored pattern silently accepts values that
 * merely contain a match; that is a user-impersonation hole, hence the anchoring rule.
 */
import { describeError } from './describe-error.ts';
import { inspectPattern } from './pattern-shape.ts';

/** Longest pattern source accepted; claim patterns are short, and this bounds compile cost. */
export const MAX_PATTERN_LENGTH = 1024;

/** The compiled pattern, or the reasons it was refused (each prefixed with `where`). */
export interface CompiledPattern {
  readonly regex?: RegExp;
  readonly problems: string[];
}

/** How many capture groups a compiled source has, without matching anything real. */
function captureGroupCount(source: string): number {
  // An empty alternative always matches '', and exec() reports every group of the pattern.
  const probe = new RegExp(`(?:${source})|`, 'u').exec('');
  return probe ? probe.length - 1 : 0;
}

/**
 * Compiles `source` with the `u` flag (strict syntax: a stray escape is an error rather than a
 * silent literal) and no other flags, so `^` and `$` always mean the whole value.
 */
export function compileClaimPattern(source: string, where: string, allowUnanchored: boolean): CompiledPattern {
  if (source.length === 0) return { problems: [`${where}: the pattern is empty`] };
  if (source.length > MAX_PATTERN_LENGTH) {
    return { problems: [`${where}: the pattern is longer than ${MAX_PATTERN_LENGTH} characters`] };
  }
  let regex: RegExp;
  try {
    regex = new RegExp(source, 'u');
  } catch (err) {
    return { problems: [`${where}: the pattern does not compile: ${describeError(err)}`] };
  }
  const problems: string[] = [];
  if (captureGroupCount(source) === 0) {
    problems.push(`${where}: the pattern has no capture group; the value is taken from the first capture group`);
  }
  const shape = inspectPattern(source);
  if (!allowUnanchored && (!shape.anchoredStart || !shape.anchoredEnd)) {
    problems.push(
      `${where}: the pattern is not anchored with ^…$; it is applied as a search, so ` +
        `'([^@]+)@staff\\.example\\.com' would map 'admin@staff.example.com.attacker.net' to 'admin'. ` +
        `Anchor it ('^([^@]+)@staff\\.example\\.com$') or set allow_unanchored_patterns: true`,
    );
  } else if (!allowUnanchored && shape.topLevelAlternation) {
    problems.push(
      `${where}: the pattern has a top-level '|', so one alternative escapes the ^…$ anchors; ` +
        `group the alternatives: '^(?:a|b)$'`,
    );
  }
  if (shape.nestedQuantifier) {
    problems.push(
      `${where}: the pattern repeats a group that itself repeats (like '(a+)+'), which can take ` +
        `exponential time on a hostile claim; rewrite it without the nested repetition`,
    );
  }
  return problems.length === 0 ? { regex, problems } : { problems };
}

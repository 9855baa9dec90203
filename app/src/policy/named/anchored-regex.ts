/**
 * Regexes written in configuration. They must be anchored "^…$" so that a forgotten anchor cannot
 * turn "^admin" into "admin anywhere", and they are bounded in length.
 */

const MAX_PATTERN = 256;

/** The longest input a configured regex is run on; longer input never matches. */
export const MAX_REGEX_INPUT = 4096;

/**
 * Compiles "^…$" as "^(?:…)$" with the "u" flag. The inner part is compiled on its own first: an
 * unbalanced ")" could otherwise close the wrapper group and leave an alternative unanchored.
 * @returns the regex, or a message saying why the pattern is refused
 */
export function compileAnchored(pattern: string): RegExp | string {
  if (pattern.length > MAX_PATTERN) return `is longer than ${MAX_PATTERN} characters`;
  const trailingBackslashes = /\\*(?=\$$)/.exec(pattern)?.[0].length ?? 0;
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.length < 2 || trailingBackslashes % 2 === 1) {
    return 'is not anchored as "^…$"';
  }
  const inner = pattern.slice(1, -1);
  try {
    new RegExp(inner, 'u');
    return new RegExp(`^(?:${inner})$`, 'u');
  } catch {
    return 'is not a valid regular expression';
  }
}

/** Tests a configured regex, failing closed on over-long input. */
export function matchesBounded(regex: RegExp, value: string): boolean {
  return value.length <= MAX_REGEX_INPUT && regex.test(value);
}

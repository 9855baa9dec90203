/**
 * The paths written in the `sidecar` section: a literal path ("/admin") or a pattern anchored at
 * the start ("^/static/", "^/api/v[0-9]+/reports$"). Literals must already be normalised, because
 * they are compared with the decoded, normalised path; patterns are compiled once, with the "u"
 * flag, so that an alternation ("^/a|/b") can never leave a branch unanchored.
 */
import { compileAnchored, matchesBounded } from '../../policy/named/anchored-regex.ts';

/** A configured path: `literal` is compared whole or as a prefix by the caller; `pattern` is a regex. */
export type PathRule =
  | { readonly kind: 'literal'; readonly source: string }
  | { readonly kind: 'pattern'; readonly source: string; readonly regex: RegExp };

const MAX_PATTERN = 256;

/** Compiles "^…" anchored at the start only, or "^…$" anchored at both ends. */
function compileStartAnchored(pattern: string): RegExp | string {
  if (pattern.length > MAX_PATTERN) return `is longer than ${MAX_PATTERN} characters`;
  // A "$" preceded by an odd number of backslashes is a literal dollar, not an end anchor.
  const backslashes = /\\*(?=\$$)/.exec(pattern)?.[0].length ?? 0;
  if (pattern.length >= 2 && pattern.endsWith('$') && backslashes % 2 === 0) return compileAnchored(pattern);
  const inner = pattern.slice(1);
  try {
    // The inner part alone first: an unbalanced ")" could otherwise close the wrapper group.
    new RegExp(inner, 'u');
    return new RegExp(`^(?:${inner})`, 'u');
  } catch {
    return 'is not a valid regular expression';
  }
}

/**
 * Reads one configured path.
 * @returns the rule, or why it is refused (to be prefixed with where it was written)
 */
export function parsePathRule(item: unknown): PathRule | string {
  if (typeof item !== 'string' || item.length === 0 || item.length > 512 || /[\u0000-\u001f\u007f]/.test(item)) {
    return 'must be a path starting with "/" or a pattern starting with "^"';
  }
  if (item.startsWith('^')) {
    const regex = compileStartAnchored(item);
    return typeof regex === 'string' ? regex : { kind: 'pattern', source: item, regex };
  }
  if (!item.startsWith('/')) return 'must be a path starting with "/" or a pattern starting with "^"';
  if (/[%?#]/.test(item)) return 'must be a decoded path without "%", "?" or "#"';
  const segments = item.slice(1, item.endsWith('/') ? -1 : undefined).split('/');
  if (item !== '/' && segments.some((segment) => segment === '' || /^\.{1,2}(;|$)/.test(segment))) {
    return 'is not a normalised path (no "//", "." or ".." segments)';
  }
  return { kind: 'literal', source: item };
}

/** Whether `path` is exactly the literal or matches the pattern. */
export function matchesExactly(rule: PathRule, path: string): boolean {
  return rule.kind === 'literal' ? path === rule.source : matchesBounded(rule.regex, path);
}

/** Whether `path` starts with the literal (as nginx's `location /admin`) or matches the pattern. */
export function matchesPrefix(rule: PathRule, path: string): boolean {
  return rule.kind === 'literal' ? path.startsWith(rule.source) : matchesBounded(rule.regex, path);
}

/**
 * HTTP field names (RFC 9110 §5.1: a token), checked where a configuration names a header.
 */

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MAX_LENGTH = 128;

/** Whether `name` is a valid HTTP header name of a sensible length. */
export function isHeaderName(name: string): boolean {
  return name.length <= MAX_LENGTH && TOKEN.test(name);
}

/** A problem message for a bad header name at `where`, or undefined when it is fine. */
export function headerNameProblem(name: string, where: string): string | undefined {
  if (isHeaderName(name)) return undefined;
  return `${where}: "${name.slice(0, MAX_LENGTH)}" is not a valid HTTP header name (letters, digits and !#$%&'*+.^_\`|~- only, at most ${MAX_LENGTH})`;
}

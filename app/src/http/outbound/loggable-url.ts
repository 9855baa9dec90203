/**
 * A URL as it may appear in a log line: no user or password, no fragment, and the query reduced to
 * its parameter names, because a query can carry a code, a token or a password.
 */

/** The URL without credentials, fragment or query values; what cannot be parsed is not logged. */
export function loggableUrl(input: string | URL): string {
  if (!(input instanceof URL) && !URL.canParse(input)) return '(not a URL)';
  const url = new URL(input);
  const names = [...new Set(url.searchParams.keys())];
  return `${url.origin}${url.pathname}${names.length > 0 ? `?${names.join('&')}` : ''}`;
}

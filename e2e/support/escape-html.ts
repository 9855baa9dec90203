/**
 * Escapes a value for use in HTML text and in quoted attribute values.
 *
 * @param value - any value; `null`/`undefined` become the empty string.
 * @returns the text with `& < > " '` replaced by entities.
 */
export function escapeHtml(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value)
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * Reverses {@link escapeHtml} and the numeric entities a browser would decode, so that a URL
 * read out of an attribute by a regular expression can be requested as a browser would.
 */
export function unescapeHtml(value: string): string {
  return value
    .replace(/&#(\d+);/g, (_m, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replaceAll('&quot;', '"')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&amp;', '&');
}

/**
 * Envoy's x-forwarded-client-cert (XFCC), as its HTTP connection manager documents it: elements
 * separated by `,`, each added by one proxy; in an element, `;`-separated `key=value` pairs with
 * case-insensitive keys (By, Hash, Cert, Chain, Subject, URI, DNS; DNS and URI may repeat); a value
 * holding `,`, `;` or `=` is double-quoted, with `\"` for a quote inside. Envoy quotes Cert, Chain
 * and Subject itself (conn_manager_utility.cc, mutateXfccRequestHeader) and appends its element
 * after a `,` with APPEND_FORWARD.
 */

/** One element: lower-cased key → its values in order. */
export type XfccElement = ReadonlyMap<string, readonly string[]>;

/** Which element is the client's (GATEHOUSE_CLIENT_CERT_XFCC_ELEMENT). */
export type XfccChoice = 'only' | 'last' | 'first';

/** Elements beyond this many are not read: no proxy chain is that long. */
const MAX_ELEMENTS = 16;

/**
 * Splits `text` at unquoted `separator` characters, keeping quotes and escapes as they are.
 * @returns the parts, or undefined when a quote is never closed
 */
function splitUnquoted(text: string, separator: string): string[] | undefined {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted && c === '\\' && i + 1 < text.length) {
      current += c + (text[++i] as string);
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  if (quoted) return undefined;
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1).replace(/\\(.)/g, '$1');
  return value;
}

/**
 * Parses a whole XFCC header value.
 * @returns the elements in header order, or undefined when it is not XFCC
 */
export function parseXfcc(header: string): XfccElement[] | undefined {
  const elements = splitUnquoted(header, ',');
  if (elements === undefined || elements.length > MAX_ELEMENTS) return undefined;
  const parsed: XfccElement[] = [];
  for (const element of elements) {
    const pairs = splitUnquoted(element, ';');
    if (pairs === undefined) return undefined;
    const map = new Map<string, string[]>();
    for (const pair of pairs) {
      if (pair.trim() === '') continue;
      // The value may hold `=` unquoted (Envoy writes URI and By as they are): split at the first.
      const at = pair.indexOf('=');
      if (at <= 0) return undefined;
      const key = pair.slice(0, at).trim().toLowerCase();
      map.set(key, [...(map.get(key) ?? []), unquote(pair.slice(at + 1).trim())]);
    }
    if (map.size === 0) return undefined;
    parsed.push(map);
  }
  return parsed;
}

/** The client's element under `choice`; undefined when `only` meets more than one. */
export function chooseElement(elements: readonly XfccElement[], choice: XfccChoice): XfccElement | undefined {
  if (choice === 'only') return elements.length === 1 ? elements[0] : undefined;
  return choice === 'first' ? elements[0] : elements[elements.length - 1];
}

/**
 * Reading and checking the values proxies use to describe the original request: one header value,
 * a method, a scheme, a host, a request URI and the client address the proxy appended. Each
 * reader answers a value or a problem naming the header; none throws.
 */
import type { IncomingMessage } from 'node:http';

/** A value, or why there is none. */
export type Read<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

/** Longest request URI accepted: nginx's large_client_header_buffers default is 8 KiB per line. */
export const MAX_URI = 8192;
const MAX_HOST = 261;
const METHOD = /^[A-Z][A-Z_-]{0,31}$/;
// A DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port.
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;
// Visible ASCII only: a request line holds no spaces or controls, and non-ASCII arrives percent-encoded.
const URI = /^\/[\x21-\x7e]*$/;

const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const bad = <T>(problem: string): Read<T> => ({ ok: false, problem });

const NOT_SENT: Read<undefined> = Object.freeze({ ok: true, value: undefined });

/**
 * The one value of a header; a repeated header leaves no single value to trust. For `x-` headers
 * Node joins repeated values with ", ", so a value without a comma was sent once and is taken from
 * the headers already parsed; only one with a comma is looked up among the distinct values.
 */
export function single(req: IncomingMessage, name: string): Read<string | undefined> {
  if (name.startsWith('x-')) {
    const joined = req.headers[name];
    if (joined === undefined) return NOT_SENT;
    if (typeof joined === 'string' && !joined.includes(',')) return { ok: true, value: joined };
  }
  const values = req.headersDistinct[name];
  if (values === undefined) return NOT_SENT;
  if (values.length !== 1) return bad(`${name} is repeated`);
  return ok(values[0]);
}

/** An HTTP method token in upper case, as proxies send it. */
export function readMethod(value: string | undefined, name: string): Read<string> {
  if (value === undefined) return bad(`${name} is missing`);
  return METHOD.test(value) ? ok(value) : bad(`${name} is not an HTTP method`);
}

/** http or https; WebSocket schemes count as their HTTP ones. */
export function readScheme(value: string | undefined, name: string): Read<'http' | 'https'> {
  if (value === undefined) return bad(`${name} is missing`);
  const lower = value.toLowerCase();
  if (lower === 'https' || lower === 'wss') return ok('https');
  if (lower === 'http' || lower === 'ws') return ok('http');
  return bad(`${name} is not http or https`);
}

/** A host name or address with an optional port, as in a Host header. */
export function readHost(value: string | undefined, name: string): Read<string> {
  if (value === undefined || value === '') return bad(`${name} is missing`);
  if (value.length > MAX_HOST || !HOST.test(value)) return bad(`${name} is not a host name`);
  const port = value.match(/:(\d+)$/)?.[1];
  if (port !== undefined && !value.endsWith(']') && Number(port) > 65535) return bad(`${name} has a port above 65535`);
  return ok(value);
}

/** A request URI in origin form: "/" and then visible ASCII, at most MAX_URI characters. */
export function readUri(value: string | undefined, name: string): Read<string> {
  if (value === undefined || value === '') return bad(`${name} is missing`);
  if (value.length > MAX_URI) return bad(`${name} is longer than ${MAX_URI} characters`);
  return URI.test(value) ? ok(value) : bad(`${name} is not a path starting with "/" in visible ASCII`);
}

/**
 * The client address the trusted proxy saw: the last entry of X-Forwarded-For, which that proxy
 * appended (the entries before it are whatever the client sent). Malformed is left to the facts.
 */
export function lastForwardedFor(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const last = value.slice(value.lastIndexOf(',') + 1).trim();
  return last === '' ? undefined : last;
}

/**
 * `read`, remembering up to `size` values it found valid: the values a proxy describes requests
 * with (methods, hosts) are few, so most checks skip the pattern match. A problem is never
 * remembered, as it names the header it came from.
 */
export function rememberingReader<T extends string>(read: (value: string | undefined, name: string) => Read<T>, size: number): (value: string | undefined, name: string) => Read<T> {
  const valid = new Map<string, Read<T>>();
  return (value, name) => {
    const known = value === undefined ? undefined : valid.get(value);
    if (known !== undefined) return known;
    const result = read(value, name);
    if (result.ok && value !== undefined && valid.size < size) valid.set(value, Object.freeze(result));
    return result;
  };
}

/**
 * What a named policy may know about the request behind an auth-url subrequest, taken only from
 * the headers ingress-nginx itself sets: X-Original-Method, X-Original-URL and X-Real-IP.
 * X-Forwarded-* are never read: ingress-nginx passes most of them through from the client.
 */
import { parseIp } from './ip-address.ts';
import { nginxPath } from './nginx-path.ts';

/** Request facts; a fact that is missing or malformed is undefined, and a malformed one is named in problems. */
export interface RequestFacts {
  readonly method?: string;
  readonly path?: string;
  readonly sourceIp?: string;
  readonly problems: string[];
}

/** Incoming headers as Node gives them: lower-case names, a string or a list of strings. */
export type FactHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

const METHOD = /^[A-Z_-]{1,32}$/;
const SCHEME = /^https?:\/\//;
const MAX_URL = 20000;

function single(headers: FactHeaders, name: string, problems: string[]): string | undefined {
  if (!Object.hasOwn(headers, name)) return undefined;
  const value = headers[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  // A repeated header leaves no single value to trust.
  problems.push(`${name} is repeated`);
  return undefined;
}

function pathFromUrl(value: string, problems: string[]): string | undefined {
  if (value.length > MAX_URL || !SCHEME.test(value)) {
    problems.push('x-original-url is not an absolute http(s) URL');
    return undefined;
  }
  try {
    new URL(value);
  } catch {
    problems.push('x-original-url does not parse as a URL');
    return undefined;
  }
  // The value is "$scheme://$http_host$request_uri"; nginx refuses a Host containing "/", so the
  // first "/" after the scheme starts the raw request URI. The URL parser's own pathname is not
  // used: it clamps ".." at the root silently and reads "\" as "/", unlike nginx.
  const start = value.indexOf('/', value.indexOf('//') + 2);
  if (start === -1) {
    problems.push('x-original-url has no path');
    return undefined;
  }
  const routed = nginxPath(value.slice(start));
  if (!routed.ok) {
    problems.push(`x-original-url ${routed.problem}`);
    return undefined;
  }
  return routed.path;
}

/**
 * Reads the request facts from auth-url subrequest headers. Never throws.
 * The host in X-Original-URL is client-supplied and ignored.
 */
export function requestFacts(headers: FactHeaders): RequestFacts {
  const problems: string[] = [];
  const facts: { method?: string; path?: string; sourceIp?: string; problems: string[] } = { problems };
  const method = single(headers, 'x-original-method', problems);
  if (method !== undefined) {
    if (METHOD.test(method)) facts.method = method;
    else problems.push('x-original-method is not an HTTP method');
  }
  const url = single(headers, 'x-original-url', problems);
  if (url !== undefined) {
    const path = pathFromUrl(url, problems);
    if (path !== undefined) facts.path = path;
  }
  const realIp = single(headers, 'x-real-ip', problems);
  if (realIp !== undefined) {
    if (parseIp(realIp)) facts.sourceIp = realIp;
    else problems.push('x-real-ip is not an IP address');
  }
  return facts;
}

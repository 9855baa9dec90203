/**
 * The original request as a proxy describes it (forward-auth headers, an ext-authz path), the
 * request facts a named policy reads from it, and whether it is a browser navigation (which
 * decides between a sign-in redirect and a 401).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { parseIp } from '../policy/named/ip-address.ts';
import { nginxPath } from '../policy/named/nginx-path.ts';
import type { RequestFacts } from '../policy/named/request-facts.ts';

/** The request the client made to the proxy. */
export interface OriginalRequest {
  readonly method: string;
  readonly scheme: 'http' | 'https';
  /** Host and optional port, as the client sent them. */
  readonly host: string;
  /** Path and query as the client sent them, starting with "/". */
  readonly uri: string;
  /** The address the trusted proxy saw, when it said; a malformed one is a facts problem. */
  readonly clientIp: string | undefined;
  /** The client wants a page (Accept admits text/html, not XHR, not a script's fetch). */
  readonly wantsPage: boolean;
}

/** The methods a browser navigation uses; any other method is answered 303 (See Other). */
const NAVIGATION_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD']);

/** True when the answer may be a 302 to sign-in (a page request by GET or HEAD). */
export function isNavigation(original: OriginalRequest): boolean {
  return original.wantsPage && NAVIGATION_METHODS.has(original.method);
}

const PAGE_TYPES: ReadonlySet<string> = new Set(['text/html', 'application/xhtml+xml']);
const MAX_ACCEPT = 2048;

/** Whether an Accept header names an HTML type with a quality above zero. */
function acceptsHtml(accept: string): boolean {
  if (accept.length > MAX_ACCEPT) return false;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';');
    if (!PAGE_TYPES.has(type.trim().toLowerCase())) continue;
    const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/** Distinct Accept values whose answer is remembered: each browser and client sends the same one every time. */
const REMEMBERED_ACCEPTS = 256;
const acceptAnswers = new Map<string, boolean>();

/** acceptsHtml, looked up for an Accept value seen before. */
function acceptsHtmlRemembered(accept: string): boolean {
  if (accept.length > MAX_ACCEPT) return false;
  let answer = acceptAnswers.get(accept);
  if (answer === undefined) {
    answer = acceptsHtml(accept);
    if (acceptAnswers.size >= REMEMBERED_ACCEPTS) acceptAnswers.clear();
    acceptAnswers.set(accept, answer);
  }
  return answer;
}

/**
 * Whether the client asks for a page: `Accept` names text/html (browsers always do for a
 * navigation; `*\/*` alone is what scripts and API clients send), it is not an XHR, and
 * `Sec-Fetch-Mode`, when sent, is `navigate`.
 */
export function wantsPage(headers: IncomingHttpHeaders): boolean {
  const accept = headers.accept;
  if (typeof accept !== 'string' || !acceptsHtmlRemembered(accept)) return false;
  const requestedWith = headers['x-requested-with'];
  if (typeof requestedWith === 'string' && requestedWith.toLowerCase() === 'xmlhttprequest') return false;
  const mode = headers['sec-fetch-mode'];
  return mode === undefined || mode === 'navigate';
}

/** The request facts of an original request: the method, the path as nginx would route it, the client address. */
export function factsOf(original: OriginalRequest): RequestFacts {
  const problems: string[] = [];
  const facts: { method?: string; path?: string; sourceIp?: string; problems: string[] } = { problems, method: original.method };
  const routed = nginxPath(original.uri);
  if (routed.ok) facts.path = routed.path;
  else problems.push(`the original path ${routed.problem}`);
  if (original.clientIp !== undefined) {
    if (parseIp(original.clientIp)) facts.sourceIp = original.clientIp;
    else problems.push('the client address is not an IP address');
  }
  return facts;
}

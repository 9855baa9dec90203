/**
 * The original request's method and host, as far as the proxy told them: forward-auth, ext-authz
 * and the sidecar describe the original request in full; an auth_request proxy sends
 * X-Original-Method and X-Original-URL ("$scheme://$http_host$request_uri"). A fact the proxy did
 * not send, or sent malformed, is left out of the assertion rather than guessed. Reading is split
 * in two: the raw values, taken cheaply on every check to find a cached assertion, and their
 * validation, done only when an assertion is signed.
 */
import type { IncomingMessage } from 'node:http';
import type { CheckRequest } from '../check/check-outcome.ts';
import { readHost, readMethod } from '../proxies/forwarded-values.ts';
import type { OriginalRequest } from '../proxies/original-request.ts';

/** What an assertion says about the request it vouches for. */
export interface AssertionTarget {
  readonly method: string | undefined;
  /** Lower case, with the port when the client sent one. */
  readonly host: string | undefined;
}

/** The method and authority as the proxy sent them, not yet checked. */
export interface RawTarget {
  readonly method: string | undefined;
  readonly authority: string | undefined;
}

/** The authority of "$scheme://$http_host$request_uri": up to the first "/", "?" or "#" after "://". */
function authorityOf(url: string): string | undefined {
  const start = url.indexOf('://');
  if (start === -1) return undefined;
  let end = start + 3;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 || c === 63 || c === 35) break;
    end += 1;
  }
  return url.slice(start + 3, end);
}

/** The raw method and authority behind `request`. Never throws. */
export function rawTargetOf(req: IncomingMessage, request: CheckRequest): RawTarget {
  const original = (request as CheckRequest & { readonly original?: OriginalRequest | undefined }).original;
  if (original !== undefined) return { method: original.method, authority: original.host };
  // req.headers, not headersDistinct: it is built for the session cookie already, and nginx sets
  // both headers itself (a repeated one arrives joined and fails validation).
  const { 'x-original-method': method, 'x-original-url': url } = req.headers;
  return { method: typeof method === 'string' ? method : undefined, authority: typeof url === 'string' && /^https?:/i.test(url) ? authorityOf(url) : undefined };
}

/** The checked method and host of a raw target; a malformed one is undefined. */
export function checkTarget(raw: RawTarget): AssertionTarget {
  const method = readMethod(raw.method, 'method');
  const host = readHost(raw.authority, 'host');
  return { method: method.ok ? method.value : undefined, host: host.ok ? host.value.toLowerCase() : undefined };
}

/** The method and host of the request behind `request`. Never throws. */
export function assertionTargetOf(req: IncomingMessage, request: CheckRequest): AssertionTarget {
  return checkTarget(rawTargetOf(req, request));
}

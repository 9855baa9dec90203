/**
 * The original request's method and host, as far as the proxy told them: forward-auth, ext-authz
 * and the sidecar describe the original request in full; an auth_request proxy sends
 * X-Original-Method and X-Original-URL ("$scheme://$http_host$request_uri"). A fact the proxy did
 * not send, or sent malformed, is left out of the assertion rather than guessed.
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

// The authority of "$scheme://$http_host$request_uri".
const ORIGINAL_URL_HOST = /^https?:\/\/([^/?#]+)/i;

/** The method and host of the request behind `request`. Never throws. */
export function assertionTargetOf(req: IncomingMessage, request: CheckRequest): AssertionTarget {
  const original = (request as CheckRequest & { readonly original?: OriginalRequest | undefined }).original;
  if (original !== undefined) return { method: original.method, host: original.host.toLowerCase() };
  // req.headers, not headersDistinct: it is built for the session cookie already, and nginx sets
  // both headers itself (a repeated one arrives joined and fails the checks below).
  const { 'x-original-method': rawMethod, 'x-original-url': rawUrl } = req.headers;
  const method = readMethod(typeof rawMethod === 'string' ? rawMethod : undefined, 'x-original-method');
  const authority = typeof rawUrl === 'string' ? ORIGINAL_URL_HOST.exec(rawUrl)?.[1] : undefined;
  const host = readHost(authority, 'x-original-url');
  return { method: method.ok ? method.value : undefined, host: host.ok ? host.value.toLowerCase() : undefined };
}

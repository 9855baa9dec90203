/**
 * The seam between proxies and the check: each proxy family is an adapter that reads its request
 * into a route policy and request facts, and turns the pipeline's outcome into the answer its
 * proxy understands. Adding a proxy family is one adapter and one run of the adapter contract suite.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CheckOutcome, CheckRequest } from '../check/check-outcome.ts';
import type { AppDeps } from '../deps.ts';
import type { IdentitySettings } from '../identity/identity-settings.ts';
import type { Reason } from '../policy/reasons.ts';
import type { OriginalRequest } from './original-request.ts';

/** What adapters are built from: the config, and the identity config in force (claim headers follow reloads). */
export type AdapterDeps = Pick<AppDeps, 'config'> & { readonly identity: Pick<IdentitySettings, 'current'> };

/** What an adapter read from its proxy's request. */
export interface AdapterRequest extends CheckRequest {
  /** The original request, when the family describes it in full (forward-auth, ext-authz). */
  readonly original: OriginalRequest | undefined;
}

/** A request the adapter will not check: from an untrusted peer, or describing no valid request. */
export interface AdapterRefusal {
  readonly refused: true;
  readonly status: 400 | 401;
  readonly reason: Reason;
  /** Why, for the log: names the header or setting, never echoes a secret. */
  readonly detail: string;
}

/** One proxy family. */
export interface ProxyAdapter {
  /** The endpoint label of its metrics, e.g. `/oauth2/forward-auth`. */
  readonly endpoint: string;
  /** Reads the proxy's request; never throws. */
  read(req: IncomingMessage): AdapterRequest | AdapterRefusal;
  /** Writes the answer for `outcome` and returns the status sent; never throws. */
  answer(outcome: CheckOutcome, request: AdapterRequest, req: IncomingMessage, res: ServerResponse): number;
  /** Writes the answer for a refused request and returns the status sent. */
  refuse(refusal: AdapterRefusal, res: ServerResponse): number;
}

/** Every answer but 200 must not be cached by a proxy's auth cache. */
export const NO_STORE: readonly string[] = Object.freeze(['Cache-Control', 'no-store']);

/** Whether `read` refused the request. */
export function isRefusal(read: AdapterRequest | AdapterRefusal): read is AdapterRefusal {
  return (read as AdapterRefusal).refused === true;
}

/** The refusal answer every adapter gives: 401 names a scheme (RFC 9110), nothing else is said. */
export function writeRefusal(refusal: AdapterRefusal, res: ServerResponse): number {
  res.writeHead(refusal.status, refusal.status === 401 ? [...NO_STORE, 'WWW-Authenticate', 'Bearer realm="gatehouse"'] : (NO_STORE as string[]));
  res.end();
  return refusal.status;
}

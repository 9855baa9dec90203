/**
 * fetch through a target's dispatcher, with each failed call logged once: which target, the URL
 * (without credentials or query values) and the cause in words. The error or response goes back
 * unchanged, so openid-client and jose keep their own handling of it.
 */
import { fetch as undiciFetch, type Dispatcher, type RequestInit as UndiciRequestInit } from 'undici';
import { badStatus, describeFailure, type FailureCause } from './failure-cause.ts';
import { loggableUrl } from './loggable-url.ts';

/** The fetch signature openid-client's and jose's `customFetch` take. */
export type OutboundFetch = (url: string, init?: RequestInit) => Promise<Response>;

/** Where failures are written: pino's logger, or anything with its `warn`. */
export interface FailureLog {
  warn(fields: object, message: string): void;
}

/** One kind of call: how the log names it, and whether only a 200 will do. */
export interface FetchCall {
  readonly target: string;
  /** True for documents (discovery, JWKS); otherwise only a 5xx is a failure, since a 4xx is the provider answering about a code or token. */
  readonly expect200: boolean;
}

/** The one log line of a failed outbound call. */
export function logFailure(log: FailureLog, target: string, url: string | URL, failure: FailureCause): void {
  log.warn({ target, url: loggableUrl(url), cause: failure.cause, ...(failure.code && { code: failure.code }) }, 'outbound call failed');
}

/**
 * A fetch through `dispatcher`.
 * @param callOf - which call a URL is (one fetch may serve several endpoints)
 */
export function loggedFetch(dispatcher: Dispatcher, log: FailureLog, callOf: (url: string) => FetchCall): OutboundFetch {
  return async (url, init) => {
    let response: Response;
    try {
      // undici's Response is the WHATWG class from another copy of undici than Node's global one;
      // openid-client and jose recognise it by its tag, not its identity.
      response = (await undiciFetch(url, { ...(init as UndiciRequestInit), dispatcher })) as unknown as Response;
    } catch (err) {
      logFailure(log, callOf(url).target, url, describeFailure(err));
      throw err;
    }
    const call = callOf(url);
    if (call.expect200 ? response.status !== 200 : response.status >= 500) logFailure(log, call.target, url, badStatus(response.status));
    return response;
  };
}

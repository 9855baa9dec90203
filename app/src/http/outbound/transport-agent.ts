/**
 * The Elasticsearch client's way onto a gatehouse dispatcher. @elastic/transport's
 * UndiciConnection (the default) refuses the client's `proxy` option ("Undici connection can't work
 * with proxies"); only its HttpConnection takes one, through hpagent: a single URL, no NO_PROXY. But
 * UndiciConnection accepts an
 * `agent` function whose result it calls like an undici Pool. Handing it this object gives the
 * Elasticsearch calls the same dispatcher as everything else: CA bundle, timeouts, HTTPS_PROXY
 * with NO_PROXY, and the failure log line. The client's own `tls` and `caFingerprint` options are
 * then ignored, which is why gatehouse sets the CA on the dispatcher.
 */
import type { Dispatcher } from 'undici';
import { badStatus, describeFailure } from './failure-cause.ts';
import { logFailure, type FailureLog } from './logged-fetch.ts';

/** What UndiciConnection calls on the object its `agent` function returns. */
export interface TransportAgent {
  request(options: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData>;
  close(): Promise<void>;
}

/** Wraps `dispatcher` for the Elasticsearch client; failures are logged under `target`. */
export function transportAgent(dispatcher: Dispatcher, log: FailureLog, target = 'Elasticsearch'): TransportAgent {
  const urlOf = (options: Dispatcher.RequestOptions): string => new URL(options.path, options.origin ?? 'http://unknown').href;
  return {
    async request(options) {
      let response: Dispatcher.ResponseData;
      try {
        // The client passes its node URL object as the origin; undici's forward proxy (plain http
        // through HTTP_PROXY) prefixes the path with String(origin), whose trailing slash would
        // turn /_security/… into //_security/…. The bare origin string has none.
        const origin = options.origin instanceof URL ? options.origin.origin : options.origin;
        response = await dispatcher.request({ ...options, origin });
      } catch (err) {
        logFailure(log, target, urlOf(options), describeFailure(err));
        throw err;
      }
      // A 4xx is Elasticsearch answering about a user, which the backend handles and logs itself.
      if (response.statusCode >= 500) logFailure(log, target, urlOf(options), badStatus(response.statusCode));
      return response;
    },
    // The client closes one connection per host; the dispatcher is shared and closed once, at shutdown.
    close: async () => {},
  };
}

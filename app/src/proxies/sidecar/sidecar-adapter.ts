/**
 * Sidecar mode as a proxy family: the request itself is the original request, its route policy
 * comes from the config file's `sidecar.routes` by path and method, and the answer to an allowed
 * check is the app's own answer. Every other outcome is answered as forward-auth answers it: 302
 * to sign-in for a browser navigation (303 for other methods), 401 with WWW-Authenticate for API
 * clients, the denied page (a bare 403 for APIs), a 5xx page when the check cannot decide.
 *
 * The adapter seam answers synchronously; for an allow, `answer` starts the proxied exchange, which
 * answers the client itself, and returns 200: the check's verdict, "handed to the app". The app's
 * own status and failures are logged by the exchange, so /oauth2/auth's path is untouched.
 */
import { requestIdOf } from '../../http/request-id.ts';
import { REASONS } from '../../policy/reasons.ts';
import { factsOf } from '../original-request.ts';
import { writeRefusal, type AdapterDeps, type ProxyAdapter } from '../proxy-adapter.ts';
import { createRedirectingAnswer } from '../redirecting-answer.ts';
import { hasBody, type Forward } from './proxy-exchange.ts';
import { routePolicyFor, type SidecarRoutes } from './route-table.ts';
import type { DescribeRequest, SidecarOriginal } from './sidecar-request.ts';
import type { UpstreamHeaders } from './upstream-headers.ts';

/** The endpoint label of the sidecar's check metrics and log lines. */
export const SIDECAR_ENDPOINT = 'sidecar';

/** What the adapter is built from, shared by the plain and the upgrade adapter. */
export interface SidecarParts {
  readonly routes: SidecarRoutes;
  readonly describe: DescribeRequest;
  readonly headersFor: UpstreamHeaders;
}

/** Creates a sidecar adapter whose allowed requests go to `pass`. */
export function createSidecarAdapter(deps: AdapterDeps, parts: SidecarParts, pass: Forward): ProxyAdapter {
  const { routes, describe, headersFor } = parts;
  // Its allow answer is never used here: the app answers an allowed request, and the client's
  // copies of identity headers are removed from the request itself (upstream-headers.ts).
  const answer = createRedirectingAnswer(deps, 'empty-values');
  return {
    endpoint: SIDECAR_ENDPOINT,
    read(req) {
      const described = describe(req);
      if (!described.ok) return { refused: true, status: 400, reason: REASONS.forwardedRequestInvalid, detail: described.problem };
      const original = described.value;
      return { routeQuery: routePolicyFor(routes, original.method, original.path), facts: () => factsOf(original), original };
    },
    answer(outcome, request, req, res) {
      // read() always describes the original request for this family.
      const original = request.original as SidecarOriginal;
      if (outcome.kind !== 'allow') {
        // A refused upload is not read to its end: the connection closes after the answer.
        if (hasBody(req)) res.shouldKeepAlive = false;
        return answer(outcome, original, req, res);
      }
      const requestId = requestIdOf(req);
      pass(req, res, original, headersFor(req, original, outcome.headers, requestId), requestId);
      return 200;
    },
    refuse: writeRefusal,
  };
}

/**
 * The span of one check, at /oauth2/auth, /oauth2/forward-auth, /oauth2/ext-authz or in sidecar
 * mode: a server span around the whole check, the decision on it as the adapter answers. It
 * carries the result, its reasons and the identity source; the user only with
 * GATEHOUSE_TRACING_RECORD_USER; never a credential the request carried.
 */
import { trace, type Attributes, type Tracer } from '@opentelemetry/api';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import type { CheckOutcome } from '../../check/check-outcome.ts';
import { SOURCE_HEADER } from '../../check/source-header.ts';
import type { ProxyAdapter } from '../../proxies/proxy-adapter.ts';
import { runInSpan, startServerSpan } from './server-spans.ts';
import { knownMethod } from './span-attributes.ts';
import type { CheckTracing } from './tracing.ts';

/** allow, deny, unauthenticated, limited or error: the `result` of the check log and metrics. */
export const ATTR_DECISION_RESULT = 'gatehouse.decision.result';
/** The reason codes of the decision (policy/reasons.ts). */
export const ATTR_DECISION_REASONS = 'gatehouse.decision.reasons';
/** The identity source that vouched for an allowed request (session, bearer, …). */
export const ATTR_IDENTITY_SOURCE = 'gatehouse.identity.source';
/** `sidecar` on the checks of sidecar mode, whose paths are the app's (the proxy endpoints have http.route). */
export const ATTR_CHECK_ENDPOINT = 'gatehouse.check.endpoint';
/** OpenTelemetry's end-user id (incubating), set only with GATEHOUSE_TRACING_RECORD_USER. */
export const ATTR_ENDUSER_ID = 'enduser.id';

/** The identity source an allowed check names in X-Auth-Request-Source. */
function sourceOf(headers: readonly string[]): string | undefined {
  for (let i = 0; i < headers.length; i += 2) if (headers[i] === SOURCE_HEADER) return headers[i + 1];
  return undefined;
}

function outcomeAttributes(outcome: CheckOutcome, recordUser: boolean): Attributes {
  const attributes: Attributes = { [ATTR_DECISION_RESULT]: outcome.kind, [ATTR_DECISION_REASONS]: [...outcome.reasons] };
  const source = outcome.kind === 'allow' ? sourceOf(outcome.headers) : undefined;
  if (source !== undefined) attributes[ATTR_IDENTITY_SOURCE] = source;
  const user = outcome.kind === 'allow' || outcome.kind === 'deny' || outcome.kind === 'error' ? outcome.user : undefined;
  if (recordUser && user !== undefined) attributes[ATTR_ENDUSER_ID] = user;
  return attributes;
}

/** The tracing of the checks `adapter` reads and answers. */
export function createCheckTracing(tracer: Tracer, adapter: ProxyAdapter, recordUser: boolean): CheckTracing {
  const { endpoint } = adapter;
  // The proxy endpoints are routes; the sidecar's checks are on the app's paths, named apart.
  const fixed: Attributes = endpoint.startsWith('/') ? { [ATTR_HTTP_ROUTE]: endpoint } : { [ATTR_CHECK_ENDPOINT]: endpoint };
  const names = new Map<string, string>();
  // The app's paths in sidecar mode are not a route: the span is named by its method alone.
  const nameOf = (method: string): string => {
    let name = names.get(method);
    if (name === undefined) names.set(method, (name = endpoint.startsWith('/') ? `${method} ${endpoint}` : method));
    return name;
  };
  return {
    adapter: {
      endpoint,
      read: (req) => adapter.read(req),
      answer(outcome, request, req, res) {
        const span = trace.getActiveSpan();
        if (span?.isRecording()) span.setAttributes(outcomeAttributes(outcome, recordUser));
        return adapter.answer(outcome, request, req, res);
      },
      refuse(refusal, res) {
        const span = trace.getActiveSpan();
        if (span?.isRecording()) span.setAttributes({ [ATTR_DECISION_RESULT]: 'error', [ATTR_DECISION_REASONS]: [refusal.reason] });
        return adapter.refuse(refusal, res);
      },
    },
    wrap: (handler) => (req, res) => {
      const method = knownMethod(req.method);
      runInSpan(startServerSpan(tracer, req, res, nameOf(method === '_OTHER' ? 'HTTP' : method), fixed), handler, req, res);
    },
  };
}

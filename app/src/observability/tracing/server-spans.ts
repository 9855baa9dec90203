/**
 * The server span of one request to gatehouse, for checks and pages alike: its parent is the trace
 * context of the request's traceparent and tracestate (W3C Trace Context), its attributes follow
 * OpenTelemetry's HTTP server conventions, and it ends once when the answer is sent or the
 * connection closes before that. A 5xx is an error; a 4xx is gatehouse answering as it should.
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-server
 * @see https://www.w3.org/TR/trace-context/
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import { hostAttributes, knownMethod, pathOf } from './span-attributes.ts';

/** A started server span and the context its children run in. */
export interface ServerSpan {
  readonly span: Span;
  readonly context: Context;
}

/**
 * Starts the server span of `req`, named `name` (`GET /oauth2/auth`; `HTTP` stands for a method
 * HTTP does not define); it ends when `res` is
 * finished or closed, with the status sent.
 * @param onEnd - called just before it ends, to add what is known only then (the route)
 */
export function startServerSpan(tracer: Tracer, req: IncomingMessage, res: ServerResponse, name: string, attributes: Attributes, onEnd?: (span: Span) => void): ServerSpan {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  // No attributes at the start: gatehouse's samplers look at none, and the SDK would check them
  // for every check, sampled or not.
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER }, parent);
  const ctx = trace.setSpan(parent, span);
  // A check the sampler left out still carries its context (its calls must not start traces of
  // their own) but costs nothing more: no attributes, no listeners.
  if (!span.isRecording()) return { span, context: ctx };
  const method = knownMethod(req.method);
  span.setAttributes({
    [ATTR_HTTP_REQUEST_METHOD]: method,
    ...(method === '_OTHER' && { 'http.request.method_original': req.method ?? '' }),
    [ATTR_URL_PATH]: pathOf(req.url ?? '/'),
    // gatehouse itself listens on plain HTTP; TLS ends at the proxy or the ingress.
    [ATTR_URL_SCHEME]: 'http',
    ...hostAttributes(req.headers.host),
    ...attributes,
  });
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    res.off('finish', end);
    res.off('close', end);
    onEnd?.(span);
    if (res.headersSent) {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      if (res.statusCode >= 500) {
        span.setAttribute(ATTR_ERROR_TYPE, String(res.statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    } else {
      // The client went away before gatehouse answered.
      span.setAttribute(ATTR_ERROR_TYPE, 'connection_closed');
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
  res.once('finish', end);
  res.once('close', end);
  return { span, context: ctx };
}

/** Runs `run` with `server`'s span as the active one, so calls made on the way become its children. */
export function runInSpan<A extends unknown[]>(server: ServerSpan, run: (...args: A) => void, ...args: A): void {
  context.with(server.context, run, undefined, ...args);
}

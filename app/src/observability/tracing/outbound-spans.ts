/**
 * A client span for every request gatehouse sends, and the trace context in its headers: an undici
 * interceptor composed onto each target's dispatcher once at start-up (the provider, each token
 * issuer, Elasticsearch, the Kubernetes API, the app behind the sidecar), so every fetch,
 * openid-client's, jose's and the Elasticsearch client's included, passes through it. The span's
 * parent is whatever span is active when the call is made: the check's, the callback's.
 * Recorded: method, host and port, the path without its query (Elasticsearch's as a template, since
 * its paths name users), the status and the failure's code; never a header or a body.
 * @see https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client
 */
import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { Dispatcher } from 'undici';
import { elasticsearchTemplate, knownMethod, originAttributes, pathOf } from './span-attributes.ts';
import type { OutboundTarget } from './tracing.ts';

/** Which of gatehouse's targets a call went to. */
export const ATTR_OUTBOUND_TARGET = 'gatehouse.outbound.target';
/** OpenTelemetry's url.template (incubating): the path with its variable parts named. */
export const ATTR_URL_TEMPLATE = 'url.template';

type Headers = Dispatcher.DispatchOptions['headers'];

const TRACE_HEADERS = new Set(['traceparent', 'tracestate']);

/**
 * `headers` with the trace context of `ctx` instead of any the request already had (a client's,
 * passed on by the sidecar), in whichever of undici's three header shapes they came.
 */
export function withTraceContext(headers: Headers, ctx: Context): Headers {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  const names = Object.keys(carrier);
  if (names.length === 0) return headers;
  if (headers === null || headers === undefined) return carrier;
  const flat: string[] = [];
  const keep = (name: string, value: string | readonly string[] | undefined): void => {
    if (value === undefined || TRACE_HEADERS.has(name.toLowerCase())) return;
    if (typeof value === 'string') flat.push(name, value);
    else for (const one of value) flat.push(name, one);
  };
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) keep(String(headers[i]), String(headers[i + 1]));
  } else if (Symbol.iterator in headers) {
    for (const [name, value] of headers as Iterable<[string, string | string[] | undefined]>) keep(name, value);
  } else {
    for (const [name, value] of Object.entries(headers)) keep(name, value as string | string[] | undefined);
  }
  for (const name of names) flat.push(name, carrier[name] as string);
  return flat;
}

/** Ends the span of one request as undici reports it, and hands every event on unchanged. */
class SpanEndingHandler implements Dispatcher.DispatchHandler {
  readonly #inner: Dispatcher.DispatchHandler;
  readonly #span: Span;
  #ended = false;
  #status: number | undefined;

  constructor(inner: Dispatcher.DispatchHandler, span: Span) {
    this.#inner = inner;
    this.#span = span;
  }

  #end(status: number | undefined, failure?: string): void {
    if (this.#ended) return;
    this.#ended = true;
    if (status !== undefined) this.#span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    const error = failure ?? (status !== undefined && status >= 400 ? String(status) : undefined);
    if (error !== undefined) {
      this.#span.setAttribute(ATTR_ERROR_TYPE, error);
      this.#span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.#span.end();
  }

  onRequestStart(controller: Dispatcher.DispatchController, ctx: unknown): void {
    this.#inner.onRequestStart?.(controller, ctx);
  }
  onRequestUpgrade(controller: Dispatcher.DispatchController, statusCode: number, headers: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>[2], socket: Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestUpgrade']>>[3]): void {
    this.#end(statusCode);
    this.#inner.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }
  onResponseStarted(): void {
    this.#inner.onResponseStarted?.();
  }
  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>[2], statusMessage?: string): void {
    if (statusCode >= 200) this.#status = statusCode;
    this.#inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }
  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#inner.onResponseData?.(controller, chunk);
  }
  onResponseEnd(controller: Dispatcher.DispatchController, trailers: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseEnd']>>[1]): void {
    this.#end(this.#status);
    this.#inner.onResponseEnd?.(controller, trailers);
  }
  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.#end(this.#status, (error as NodeJS.ErrnoException).code ?? error.name);
    this.#inner.onResponseError?.(controller, error);
  }
  onBodySent(chunk: Buffer): void {
    this.#inner.onBodySent?.(chunk);
  }
  onRequestSent(): void {
    this.#inner.onRequestSent?.();
  }
}

function originOf(origin: string | URL | undefined): URL | undefined {
  if (origin === undefined) return undefined;
  if (origin instanceof URL) return origin;
  return URL.canParse(origin) ? new URL(origin) : undefined;
}

/** The attributes and name of a request to `target`; its path is what the span may show of it. */
function describe(target: OutboundTarget, opts: Dispatcher.DispatchOptions): { name: string; attributes: Attributes } {
  const method = knownMethod(opts.method);
  const origin = originOf(opts.origin);
  const path = pathOf(opts.path);
  const attributes: Attributes = { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_OUTBOUND_TARGET]: target };
  if (origin !== undefined) Object.assign(attributes, originAttributes(origin), { [ATTR_URL_SCHEME]: origin.protocol.slice(0, -1) });
  const verb = method === '_OTHER' ? 'HTTP' : method;
  // The app's paths (sidecar) vary per request; the others are the fixed endpoints of their service.
  if (target === 'upstream') return { name: verb, attributes: { ...attributes, [ATTR_URL_PATH]: path } };
  const template = target === 'elasticsearch' ? elasticsearchTemplate(path) : path;
  if (target !== 'elasticsearch') attributes[ATTR_URL_PATH] = path;
  attributes[ATTR_URL_TEMPLATE] = template;
  return { name: `${verb} ${template}`, attributes };
}

/** The interceptor of `target`'s dispatcher. */
export function outboundInterceptor(tracer: Tracer, target: OutboundTarget): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) =>
    function traced(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      const { name, attributes } = describe(target, opts);
      const parent = context.active();
      const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
      // Not sampled: the context (flagged so) still goes out, and the handler is undici's own.
      const spanHandler = span.isRecording() ? new SpanEndingHandler(handler, span) : handler;
      try {
        return dispatch({ ...opts, headers: withTraceContext(opts.headers, trace.setSpan(parent, span)) }, spanHandler);
      } catch (err) {
        span.setAttribute(ATTR_ERROR_TYPE, (err as NodeJS.ErrnoException).code ?? (err as Error).name ?? 'Error');
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        throw err;
      }
    };
}

/**
 * The span of each request Express serves after the probes: sign-in (/oauth2/start), the callback,
 * sign-out, userinfo, back-channel logout and the error pages. It is named by the route Express
 * matched, known only once it has answered; the callback's code and state stay out of it, since
 * the path is recorded without its query.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type Span, type Tracer } from '@opentelemetry/api';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import { runInSpan, startServerSpan } from './server-spans.ts';
import { knownMethod } from './span-attributes.ts';

/** The middleware that opens a span per page request; register it before the pages. */
export function createPageSpans(tracer: Tracer): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const method = knownMethod(req.method);
    const prefix = method === '_OTHER' ? 'HTTP' : method;
    const named = (span: Span): void => {
      // Express sets req.route when a route matched; a 404 has none and keeps the method alone.
      const route = req.route ? String(req.route.path) : undefined;
      if (route === undefined) return;
      span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.updateName(`${prefix} ${route}`);
    };
    runInSpan(startServerSpan(tracer, req, res, prefix, {}, named), () => next());
  };
}

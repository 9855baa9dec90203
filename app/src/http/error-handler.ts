/**
 * The one place an error becomes a response: its status from the error catalogue, an HTML page
 * or JSON by Accept, every value escaped, never a stack trace. 4xx log at info, 5xx at error.
 */
import type { NextFunction, Request, Response } from 'express';
import { toAppError, type ErrorCode } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { renderPage } from './html-page.ts';
import { ROUTES } from './routes.ts';

/**
 * gatehouse's own paths that need a session (userinfo) offer to sign in. The link carries no rd:
 * gatehouse never sends anyone back to its own /oauth2 paths.
 */
const SIGN_IN_TEXT: Partial<Record<ErrorCode, string>> = {
  SESSION_MISSING: 'You are not signed in in this browser.',
  SESSION_INVALID: 'You are not signed in in this browser.',
  SESSION_EXPIRED: 'Your session has ended.',
};

/** Creates the Express error middleware. */
export function createErrorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const error = toAppError(err);
    const requestId = String(res.locals.requestId ?? '');
    const status = error.status;
    const entry = { requestId, code: error.code, status, path: req.path, err: error.message };
    if (status >= 500) logger.error(entry, 'request failed');
    else logger.info(entry, 'request refused');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).set('Cache-Control', 'no-store');
    if (error.retryAfterSeconds !== undefined) res.set('Retry-After', String(error.retryAfterSeconds));
    const detail = error.detail ?? (status >= 500 ? 'Something went wrong on our side.' : error.title);
    if (req.accepts(['html', 'json']) === 'json') {
      res.json({ error: error.code.toLowerCase(), message: detail, requestId });
      return;
    }
    const signIn = SIGN_IN_TEXT[error.code];
    if (signIn !== undefined) {
      res.type('html').send(renderPage(error.title, [signIn], requestId, [{ text: 'Sign in', href: ROUTES.start, id: 'sign-in' }]));
      return;
    }
    res.type('html').send(renderPage(error.title, [detail], requestId));
  };
}

/**
 * The error page ingress-nginx asks its default backend for (`custom-http-errors: "403"` with
 * `default-backend` naming gatehouse): nginx rewrites the request to "/" and names the status it
 * replaces in X-Code, passing the client's own headers (its Cookie too). A signed-in person sees
 * the denied page; a client that is not a browser navigation gets the bare status.
 *
 * The answer's status is always X-Code, a 4xx or 5xx, never a 2xx, and the page never proxies,
 * sets a cookie or grants anything. Before ingress-nginx v1.13.7/v1.14.3/v1.15.0 the auth
 * subrequest itself went through a global custom error page (CVE-2026-24513), so a 2xx here
 * would have let a refused request through to the app. Without a valid X-Code this is no error
 * page, and the request gets the usual 404.
 */
import type { NextFunction, Request, Response } from 'express';
import type { AppDeps } from '../deps.ts';
import type { DenialNotes } from '../http/denial-notes.ts';
import { renderDeniedPage } from '../http/denied-page.ts';
import { renderPage, type PageLink } from '../http/html-page.ts';
import { REASONS, type Reason } from '../policy/reasons.ts';
import { readHost, readUri } from '../proxies/forwarded-values.ts';
import { wantsPage } from '../proxies/original-request.ts';
import { createSignInTarget, type SignInLinks } from '../proxies/sign-in-target.ts';

const ERROR_STATUS = /^[45]\d\d$/;

/** Words for the statuses a custom error page may replace other than 401 and 403. */
function generic(status: number): { title: string; text: string } {
  if (status === 404) return { title: 'Not found', text: 'There is nothing at this address.' };
  if (status >= 500) return { title: 'Service unavailable', text: 'The application cannot answer right now. Please try again in a moment.' };
  return { title: 'Request refused', text: 'The application refused this request.' };
}

/** Creates the handler for GET (or any method) / and /oauth2/error-page. */
export function createErrorPageRoute(deps: Pick<AppDeps, 'config' | 'sessions' | 'viewOf' | 'logger'>, notes: DenialNotes) {
  const { config, sessions, viewOf, logger } = deps;
  const links = createSignInTarget(config);
  const scheme = config.proxies.signinUrl?.protocol === 'http:' ? 'http' : 'https';

  /** The sign-in links back to the refused page: its Host and X-Original-URI, as nginx passes them. */
  const linksFor = (req: Request): SignInLinks | undefined => {
    if (!links) return undefined;
    const host = readHost(req.headers.host, 'host');
    const uri = readUri(req.get('x-original-uri'), 'x-original-uri');
    return host.ok ? links({ scheme, host: host.value, uri: uri.ok ? uri.value : '/' }) : undefined;
  };

  const deniedPage = async (req: Request, requestId: string): Promise<string> => {
    const found = linksFor(req);
    const resolved = config.login && found ? await sessions.resolve(req.headers.cookie) : undefined;
    if (!found || resolved?.state !== 'active') {
      return renderPage('Access denied', ['You are not allowed to open this page.'], requestId);
    }
    const { identity } = resolved.record;
    const reasons: Reason[] = viewOf(identity).headerProblem === undefined ? [] : [REASONS.claimControlCharacter];
    const needs = config.showDenialDetails ? (notes.take(requestId, identity.user) ?? []) : [];
    return renderDeniedPage({ user: identity.user, requestId, needs, reasons, signOutUrl: found.signOut, switchAccountUrl: found.switchAccount });
  };

  const page = async (req: Request, status: number, requestId: string): Promise<string> => {
    if (status === 403) return deniedPage(req, requestId);
    if (status === 401) {
      const found = linksFor(req);
      const signIn: PageLink[] = found ? [{ text: 'Sign in', href: found.signIn, id: 'sign-in' }] : [];
      return renderPage('Not signed in', ['Sign in to open this page.'], requestId, signIn);
    }
    const { title, text } = generic(status);
    return renderPage(title, [text], requestId);
  };

  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const code = req.get('x-code');
    if (code === undefined || !ERROR_STATUS.test(code)) {
      next();
      return;
    }
    const status = Number(code);
    res.status(status);
    if (!wantsPage(req.headers)) {
      res.end();
      return;
    }
    const requestId = String(res.locals.requestId ?? '');
    let body: string;
    try {
      body = await page(req, status, requestId);
    } catch (err) {
      // The session store may be down: the status must still be X-Code, so the page says less.
      logger.warn({ requestId, err: (err as Error)?.message }, 'error page without the session');
      body = renderPage(generic(status).title, [generic(status).text], requestId);
    }
    res.type('html').send(body);
  };
}

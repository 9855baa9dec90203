/**
 * The answers of proxies that hand the auth service's response to the client as it is (Traefik,
 * Caddy, APISIX, Envoy and everything built on it): allow is 200 only (Envoy treats 202 as a
 * denial); a browser navigation that is not signed in is redirected to sign-in itself (302 for
 * GET/HEAD, 303 for other methods), API and XHR clients and any request with Authorization get
 * 401 with WWW-Authenticate and a JSON body (machine-answers.ts); a signed-in person who is refused
 * gets the denied page (a bare 403 for APIs; a token lacking the route's scope gets 403 with
 * `error="insufficient_scope"`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CheckOutcome } from '../check/check-outcome.ts';
import { createBasicChallenge, limitedHeaders } from './basic-challenge.ts';
import { renderDeniedPage } from '../http/denied-page.ts';
import { describeNeeds } from '../http/describe-needs.ts';
import { PAGE_HEADERS, renderPage } from '../http/html-page.ts';
import { requestIdOf } from '../http/request-id.ts';
import { acceptsTokens, insufficientScopeAnswer, isMachine, missingScopes, unauthenticatedAnswer, type MachineAnswer } from './machine-answers.ts';
import { isNavigation, type OriginalRequest } from './original-request.ts';
import { createHeaderCompleter, type LeftOutHeaders } from './owned-headers.ts';
import { NO_STORE, type AdapterDeps } from './proxy-adapter.ts';
import { createSignInTarget } from './sign-in-target.ts';

/** Writes the answer for an outcome about `original`; returns the status sent. */
export type RedirectingAnswer = (outcome: CheckOutcome, original: OriginalRequest, req: IncomingMessage, res: ServerResponse) => number;

const UNAVAILABLE_TEXT = 'Signing in is not possible right now. Please try again in a moment.';

/** Creates the answer writer once per config. */
export function createRedirectingAnswer(deps: AdapterDeps, leftOut: LeftOutHeaders): RedirectingAnswer {
  const { config } = deps;
  const links = createSignInTarget(config);
  const complete = createHeaderCompleter(deps, leftOut);
  const basicChallenge = createBasicChallenge(config);
  // RFC 9110 §11.6.1: a 401 names how to authenticate. Browser sessions use the cookie scheme of
  // draft-broyer-http-cookie-auth, naming the sign-in form; Bearer clients RFC 6750's.
  const tokens = acceptsTokens(config.identitySources);
  const challenge = config.login && links && !tokens
    ? `Cookie realm="gatehouse", form-action="${config.proxies.signinUrl?.href}", cookie-name="${config.cookie.name}"`
    : 'Bearer realm="gatehouse"';
  const machineHeaders = (status: 401 | 403, machine: MachineAnswer): string[] => [
    ...NO_STORE,
    'WWW-Authenticate',
    status === 401 && !tokens ? challenge : machine.challenge,
    'Content-Type',
    'application/json',
  ];

  const write = (res: ServerResponse, status: number, headers: readonly string[], body?: string): number => {
    res.writeHead(status, headers as string[]);
    res.end(body);
    return status;
  };

  return (outcome, original, req, res) => {
    switch (outcome.kind) {
      case 'allow':
        return write(res, 200, complete(outcome.headers));
      case 'unauthenticated': {
        // A refused or missing login and password: the client asks for them again, never a sign-in redirect.
        const basic = basicChallenge(outcome.reasons);
        if (basic !== undefined) return write(res, 401, [...NO_STORE, 'WWW-Authenticate', basic]);
        if (!isMachine(req.headers, original.wantsPage)) {
          if (!links) return write(res, 401, [...NO_STORE, 'WWW-Authenticate', challenge]);
          const status = isNavigation(original) ? 302 : 303;
          return write(res, status, [...NO_STORE, 'Location', links(original, outcome.route?.provider).signIn]);
        }
        const machine = unauthenticatedAnswer(outcome.reasons);
        return write(res, 401, machineHeaders(401, machine), original.method === 'HEAD' ? undefined : machine.body);
      }
      case 'deny': {
        const scopes = missingScopes(outcome.reasons, outcome.route?.query.allowedScopes);
        if (scopes !== undefined && isMachine(req.headers, original.wantsPage)) {
          const machine = insufficientScopeAnswer(scopes);
          return write(res, 403, machineHeaders(403, machine), original.method === 'HEAD' ? undefined : machine.body);
        }
        if (!links || !isNavigation(original)) return write(res, 403, NO_STORE);
        const { signOut, switchAccount } = links(original);
        // What the route needs names groups and roles: shown only when the operator allows it.
        const needs = config.showDenialDetails && outcome.route ? describeNeeds(outcome.route.query) : [];
        const page = renderDeniedPage({ user: outcome.user, requestId: requestIdOf(req), needs, reasons: outcome.reasons, signOutUrl: signOut, switchAccountUrl: switchAccount });
        return write(res, 403, PAGE_HEADERS, original.method === 'HEAD' ? undefined : page);
      }
      case 'limited': {
        const headers = limitedHeaders(NO_STORE, outcome.retryAfterSeconds);
        if (!original.wantsPage) return write(res, 429, headers);
        const page = renderPage('Too many attempts', [`Too many failed sign-in attempts. Please try again in ${outcome.retryAfterSeconds} seconds.`], requestIdOf(req));
        return write(res, 429, [...PAGE_HEADERS, 'Retry-After', String(outcome.retryAfterSeconds)], original.method === 'HEAD' ? undefined : page);
      }
      case 'error': {
        if (!original.wantsPage) return write(res, outcome.status, NO_STORE);
        const page = renderPage('Service unavailable', [UNAVAILABLE_TEXT], requestIdOf(req));
        return write(res, outcome.status, PAGE_HEADERS, original.method === 'HEAD' ? undefined : page);
      }
    }
  };
}

/**
 * GET /oauth2/auth — the ingress auth-url target and the hot path: every request to every
 * protected app passes here. Top to bottom: the route's policy from the query; who is asking
 * (session cookie, Bearer token or trusted upstream headers, per the provider); the identity's
 * roles and headers under the config in force; the decision; the backend's credentials.
 * 200 with identity headers, 401 when not signed in (never a redirect or a page), 403 when signed
 * in but not allowed (never 401, which would loop through sign-in), a fast 5xx when anything
 * fails (closed). No decision uses X-Forwarded-*, X-Request-ID or Host.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { createRequestIdentifier } from '../auth/request-identity/create-identifier.ts';
import { createBackendAnswerer, type BackendKind } from '../backends/answer-backend.ts';
import type { AppDeps } from '../deps.ts';
import { requestIdOf } from '../http/request-id.ts';
import { isHeaderSafe } from '../identity/headers/build-headers.ts';
import { decide, needsRequestFacts, NO_FACTS } from '../policy/decide.ts';
import { requestFacts } from '../policy/named/request-facts.ts';
import { PolicyQueryError } from '../policy/query-policy.ts';
import { REASONS, type Reason } from '../policy/reasons.ts';
import { createRoutePolicyCache, type RoutePolicy } from '../policy/route-policy-cache.ts';
import type { SessionRecord } from '../session/session-record.ts';

type Result = 'allow' | 'deny' | 'unauthenticated' | 'error';

/** Every answer but 200 must not be cached by nginx's auth cache. */
const NO_STORE: readonly string[] = Object.freeze(['Cache-Control', 'no-store']);

/** Creates the request handler for /oauth2/auth. */
export function createAuthCheck(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { metrics, logger, checkLog, config, viewOf } = deps;
  const duration = metrics.httpDuration.labels({ endpoint: '/oauth2/auth' });
  const countRequest = (code: number): void => metrics.authRequestTally.inc(String(code), { endpoint: '/oauth2/auth', code });
  const countDecision = (result: Result, reason: Reason): void =>
    metrics.decisionTally.inc(`${result}:${reason}`, { result, reason });
  const available: BackendKind[] = ['none', 'eventstore', ...(deps.backends.elasticsearch ? ['elasticsearch' as const] : [])];
  const parsePolicy = createRoutePolicyCache(() => deps.identity.current().policies, available);
  const identify = createRequestIdentifier(deps);
  const answerBackend = createBackendAnswerer(deps.backends);
  const authorizationSource = config.upstreamHeaders.authorization;
  const sendAccessToken = config.upstreamHeaders.accessToken;
  const sendsTokens = authorizationSource !== 'none' || sendAccessToken;

  const tokenHeaders = (record: SessionRecord, backend: BackendKind): string[] => {
    const headers: string[] = [];
    const { idToken, accessToken } = record.tokens;
    const bearer = authorizationSource === 'id_token' ? idToken : authorizationSource === 'access_token' ? accessToken : undefined;
    // The Elasticsearch backend's Authorization replaces the token: a request carries one.
    if (bearer && backend !== 'elasticsearch' && isHeaderSafe(bearer)) headers.push('Authorization', `Bearer ${bearer}`);
    if (sendAccessToken && accessToken && isHeaderSafe(accessToken)) headers.push('X-Auth-Request-Access-Token', accessToken);
    return headers;
  };

  const finish = (
    req: IncomingMessage,
    res: ServerResponse,
    started: number,
    status: number,
    result: Result,
    reasons: readonly Reason[],
    user: string | undefined,
    headers: readonly string[] = NO_STORE,
    err?: unknown,
  ): void => {
    // nginx discards the body and needs no Date; one writeHead with a flat list is Node's cheapest path.
    res.sendDate = false;
    res.writeHead(status, headers as string[]);
    res.end();
    const seconds = (performance.now() - started) / 1000;
    countRequest(status);
    duration.observe(seconds);
    for (const reason of reasons) countDecision(result, reason);
    const entry = { requestId: requestIdOf(req), status, result, reasons, user, ms: Math.round(seconds * 1e6) / 1e3 };
    if (err) logger.error({ ...entry, err: (err as Error)?.message ?? String(err) }, 'auth check failed');
    else checkLog(entry);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    let route: RoutePolicy;
    try {
      const url = req.url ?? '';
      const q = url.indexOf('?');
      route = parsePolicy(q === -1 ? '' : url.slice(q + 1));
    } catch (err) {
      // A broken route policy is a configuration fault: fail closed and say why in the log.
      const reason = err instanceof PolicyQueryError ? REASONS.policyInvalid : REASONS.internalError;
      return finish(req, res, started, 500, 'error', [reason], undefined, NO_STORE, err);
    }
    let who = identify(req);
    if (who instanceof Promise) who = await who;
    if (who.state === 'failed') return finish(req, res, started, who.status, 'error', [who.reason], undefined, NO_STORE, who.err);
    if (who.state === 'unauthenticated') return finish(req, res, started, 401, 'unauthenticated', [who.reason], undefined);
    const { identity, record } = who;
    const user = identity.user;
    // Signed in from here on: every answer is 200, 403 or 5xx, never a 401 that would loop through sign-in.
    const view = viewOf(identity);
    if (view.headerProblem !== undefined) {
      logger.warn({ user, claim: view.headerProblem }, 'claim holds a control character; denying');
      return finish(req, res, started, 403, 'deny', [REASONS.claimControlCharacter], user);
    }
    const { query } = route;
    const decision = decide(query, view.subject, needsRequestFacts(query) ? requestFacts(req.headers) : NO_FACTS);
    if (!decision.allow) return finish(req, res, started, 403, 'deny', decision.reasons, user);
    const backend = route.backend ?? config.backend.default;
    let extra = answerBackend(backend, identity, view);
    if (extra instanceof Promise) extra = await extra;
    if (!extra.ok) {
      const result = extra.status === 403 ? 'deny' : 'error';
      const err = extra.status === 403 ? undefined : new Error(extra.detail);
      if (!err) logger.warn({ user, backend, reason: extra.detail }, 'backend refused the user');
      return finish(req, res, started, extra.status, result, [extra.reason], user, NO_STORE, err);
    }
    const withTokens = record !== undefined && sendsTokens;
    const headers =
      withTokens || extra.headers.length > 0
        ? [...view.headers, ...(withTokens ? tokenHeaders(record, backend) : []), ...extra.headers]
        : view.headers;
    return finish(req, res, started, 200, 'allow', decision.reasons, user, headers);
  };

  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      logger.error({ err: (err as Error)?.message }, 'auth check crashed');
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('Cache-Control', 'no-store');
      }
      res.end();
    });
  };
}

/**
 * GET /oauth2/auth — the ingress auth-url target and the hot path: every request to every
 * protected app passes here. 200 with identity headers, 401 when not signed in (never a redirect
 * or a page), 403 when signed in but not allowed (never 401, which would loop through sign-in),
 * a fast 5xx when anything fails (closed). One store read, nothing else; no decision uses
 * X-Forwarded-*, X-Request-ID or Host.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { AppDeps } from '../deps.ts';
import { requestIdOf } from '../http/request-id.ts';
import { isHeaderSafe } from '../identity/headers/build-headers.ts';
import { decide, needsRequestFacts, NO_FACTS } from '../policy/decide.ts';
import { requestFacts } from '../policy/named/request-facts.ts';
import { PolicyQueryError } from '../policy/query-policy.ts';
import { REASONS, type Reason } from '../policy/reasons.ts';
import { createRoutePolicyCache } from '../policy/route-policy-cache.ts';
import type { SessionRecord } from '../session/session-record.ts';
import { StoreUnavailableError } from '../session/store.ts';

type Result = 'allow' | 'deny' | 'unauthenticated' | 'error';

/** Every answer but 200 must not be cached by nginx's auth cache. */
const NO_STORE: readonly string[] = Object.freeze(['Cache-Control', 'no-store']);

const UNAUTHENTICATED_REASON = {
  missing: REASONS.sessionMissing,
  invalid: REASONS.sessionInvalid,
  expired: REASONS.sessionExpired,
} as const;

/** Creates the request handler for /oauth2/auth. */
export function createAuthCheck(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { sessions, refresher, metrics, logger, checkLog, config, viewOf } = deps;
  const duration = metrics.httpDuration.labels({ endpoint: '/oauth2/auth' });
  const countRequest = (code: number): void => metrics.authRequestTally.inc(String(code), { endpoint: '/oauth2/auth', code });
  const countDecision = (result: Result, reason: Reason): void =>
    metrics.decisionTally.inc(`${result}:${reason}`, { result, reason });
  const parsePolicy = createRoutePolicyCache(() => deps.identity.current().policies);
  const authorizationSource = config.upstreamHeaders.authorization;
  const sendAccessToken = config.upstreamHeaders.accessToken;

  const withTokenHeaders = (record: SessionRecord, identityHeaders: readonly string[]): readonly string[] => {
    const headers = [...identityHeaders];
    const { idToken, accessToken } = record.tokens;
    const bearer = authorizationSource === 'id_token' ? idToken : authorizationSource === 'access_token' ? accessToken : undefined;
    if (bearer && isHeaderSafe(bearer)) headers.push('Authorization', `Bearer ${bearer}`);
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
    if (err) logger.error({ ...entry, err: (err as Error).message }, 'auth check failed');
    else checkLog(entry);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    let policy;
    try {
      const url = req.url ?? '';
      const q = url.indexOf('?');
      policy = parsePolicy(q === -1 ? '' : url.slice(q + 1));
    } catch (err) {
      // A broken route policy is a configuration fault: fail closed and say why in the log.
      const reason = err instanceof PolicyQueryError ? REASONS.policyInvalid : REASONS.internalError;
      return finish(req, res, started, 500, 'error', [reason], undefined, NO_STORE, err);
    }
    let resolved;
    try {
      resolved = await sessions.resolve(req.headers.cookie);
      if (resolved.state === 'active') {
        // Not due: answered synchronously, no extra await on the hot path.
        let fresh = refresher.ensureFresh(resolved.id, resolved.record);
        if (fresh instanceof Promise) fresh = await fresh;
        resolved = fresh.state === 'active' ? { ...resolved, record: fresh.record } : ({ state: 'expired' } as const);
      }
    } catch (err) {
      const reason = err instanceof StoreUnavailableError ? REASONS.storeUnavailable : REASONS.internalError;
      const status = reason === REASONS.storeUnavailable ? 503 : 500;
      return finish(req, res, started, status, 'error', [reason], undefined, NO_STORE, err);
    }
    if (resolved.state !== 'active') {
      return finish(req, res, started, 401, 'unauthenticated', [UNAUTHENTICATED_REASON[resolved.state]], undefined);
    }
    const { record } = resolved;
    const user = record.identity.user;
    // Signed in from here on: every answer is 200 or 403, never a 401 that would loop through sign-in.
    const view = viewOf(record.identity);
    if (view.headerProblem !== undefined) {
      logger.warn({ user, claim: view.headerProblem }, 'claim holds a control character; denying');
      return finish(req, res, started, 403, 'deny', [REASONS.claimControlCharacter], user);
    }
    const facts = needsRequestFacts(policy) ? requestFacts(req.headers) : NO_FACTS;
    const decision = decide(policy, view.subject, facts);
    if (!decision.allow) return finish(req, res, started, 403, 'deny', decision.reasons, user);
    const headers = authorizationSource !== 'none' || sendAccessToken ? withTokenHeaders(record, view.headers) : view.headers;
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

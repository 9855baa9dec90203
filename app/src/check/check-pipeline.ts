/**
 * The one check every proxy family shares, top to bottom: the route's policy; who is asking
 * (the first configured identity source whose credential the request carries); the identity's
 * roles and headers under the config in force; the decision; the backend's credentials. It
 * answers nothing itself: each proxy adapter turns the outcome into its family's answer. No
 * decision here reads X-Forwarded-*, X-Request-ID or Host.
 */
import type { IncomingMessage } from 'node:http';
import { createAssertionStamper } from '../assertion/assertion-stamper.ts';
import { createBackendAnswerer, type BackendAnswer, type BackendKind } from '../backends/answer-backend.ts';
import type { AppDeps } from '../deps.ts';
import { isHeaderSafe } from '../identity/headers/build-headers.ts';
import type { Decision } from '../policy/decide.ts';
import { PolicyQueryError } from '../policy/query-policy.ts';
import type { RequestFacts } from '../policy/named/request-facts.ts';
import { REASONS, type Reason } from '../policy/reasons.ts';
import { createRememberedDecisions } from '../policy/remembered-decisions.ts';
import { configuredBackends, createRoutePolicyCache, type RoutePolicy } from '../policy/route-policy-cache.ts';
import type { SessionRecord } from '../session/session-record.ts';
import type { IdentityView } from '../identity/identity-view.ts';
import type { Identified } from '../sources/identified.ts';
import { createIdentitySources, orderSources } from '../sources/ordered-sources.ts';
import { createKubernetesAccessCheck, type AccessAnswer } from '../sources/serviceaccount/kubernetes-access.ts';
import { withSourceHeader } from './source-header.ts';
import type { CheckOutcome, CheckRequest } from './check-outcome.ts';

/** Runs the check; synchronous when nothing needs I/O (a cached session, no backend call). */
export type CheckPipeline = (req: IncomingMessage, request: CheckRequest) => CheckOutcome | Promise<CheckOutcome>;

type Outcome = CheckOutcome | Promise<CheckOutcome>;
type SignedIn = Extract<Identified, { state: 'identified' }>;

/** Creates the pipeline once per process; everything per-config is prepared here. */
export function createCheckPipeline(deps: AppDeps): CheckPipeline {
  const { logger, config, viewOf } = deps;
  const available = configuredBackends(deps.backends);
  const parsePolicy = createRoutePolicyCache(() => deps.identity.current().policies, { backends: available, sources: config.identitySources });
  const identify = orderSources(createIdentitySources(deps));
  const decideFor = createRememberedDecisions();
  const answerBackend = createBackendAnswerer(deps.backends, deps.now);
  const kubernetesAccess = createKubernetesAccessCheck(deps);
  const authorizationSource = config.upstreamHeaders.authorization;
  const sendAccessToken = config.upstreamHeaders.accessToken;
  const sendsTokens = authorizationSource !== 'none' || sendAccessToken;
  // Undefined when the assertion is off: the allow path then does no assertion work at all.
  const stamp = config.assertion && deps.assertionKeys ? createAssertionStamper(config.assertion, deps.assertionKeys, deps) : undefined;

  const tokenHeaders = (record: SessionRecord, backend: BackendKind): string[] => {
    const headers: string[] = [];
    const { idToken, accessToken } = record.tokens;
    const bearer = authorizationSource === 'id_token' ? idToken : authorizationSource === 'access_token' ? accessToken : undefined;
    // An Elasticsearch backend's Authorization replaces the token: a request carries one.
    if (bearer && backend !== 'elasticsearch' && backend !== 'elasticsearch-oidc' && isHeaderSafe(bearer)) headers.push('Authorization', `Bearer ${bearer}`);
    if (sendAccessToken && accessToken && isHeaderSafe(accessToken)) headers.push('X-Auth-Request-Access-Token', accessToken);
    return headers;
  };

  // The steps after an allowing decision, each taking the answer of the one before it. A step's
  // continuation is made only when that step waits for I/O: the common check allocates none.
  const allowed = (req: IncomingMessage, request: CheckRequest, route: RoutePolicy, who: SignedIn, view: IdentityView, decision: Decision): Outcome => {
    // A named policy's kubernetes_access: the cluster's SubjectAccessReview, asked last.
    const access = kubernetesAccess(route.query.policy, who.identity);
    if (access === undefined) return withBackend(req, request, route, who, view, decision.reasons);
    if (access instanceof Promise) return access.then((answer) => accessAnswered(req, request, route, who, view, decision, answer));
    return accessAnswered(req, request, route, who, view, decision, access);
  };

  const accessAnswered = (req: IncomingMessage, request: CheckRequest, route: RoutePolicy, who: SignedIn, view: IdentityView, decision: Decision, answer: AccessAnswer | undefined): Outcome => {
    const user = who.identity.user;
    if (answer?.state === 'failed') return { kind: 'error', status: answer.status, user, reasons: [answer.reason], err: answer.err };
    if (answer?.state === 'denied') return { kind: 'deny', status: 403, user, reasons: [answer.reason], route };
    return withBackend(req, request, route, who, view, answer ? [...decision.reasons, answer.reason] : decision.reasons);
  };

  const withBackend = (req: IncomingMessage, request: CheckRequest, route: RoutePolicy, who: SignedIn, view: IdentityView, reasons: readonly Reason[]): Outcome => {
    const backend = route.backend ?? config.backend.default;
    const extra = answerBackend(backend, who.identity, view, who.record);
    if (extra instanceof Promise) return extra.then((answer) => backendAnswered(req, request, route, who, view, reasons, backend, answer));
    return backendAnswered(req, request, route, who, view, reasons, backend, extra);
  };

  const backendAnswered = (req: IncomingMessage, request: CheckRequest, route: RoutePolicy, who: SignedIn, view: IdentityView, reasons: readonly Reason[], backend: BackendKind, answer: BackendAnswer): Outcome => {
    const user = who.identity.user;
    if (!answer.ok) {
      if (answer.status === 403) {
        logger.warn({ user, backend, reason: answer.detail }, 'backend refused the user');
        return { kind: 'deny', status: 403, user, reasons: [answer.reason], route: undefined };
      }
      return { kind: 'error', status: answer.status, user, reasons: [answer.reason], err: new Error(answer.detail) };
    }
    const identityHeaders = withSourceHeader(view.headers, who.source);
    if (stamp === undefined) return allow(who, reasons, backend, answer.headers, identityHeaders);
    const stamped = stamp(identityHeaders, { identity: who.identity, roles: view.roles }, route.assertionAudience, req, request);
    if (stamped instanceof Promise) return stamped.then((headers) => allow(who, reasons, backend, answer.headers, headers));
    return allow(who, reasons, backend, answer.headers, stamped);
  };

  /** The allow: the identity headers as they are (the same array for every check of a session) unless tokens or a backend add to them. */
  const allow = (who: SignedIn, reasons: readonly Reason[], backend: BackendKind, backendHeaders: readonly string[], identityHeaders: readonly string[]): CheckOutcome => {
    const { record } = who;
    const tokens = record !== undefined && sendsTokens ? tokenHeaders(record, backend) : undefined;
    const headers = tokens !== undefined || backendHeaders.length > 0 ? [...identityHeaders, ...(tokens ?? []), ...backendHeaders] : identityHeaders;
    return { kind: 'allow', status: 200, user: who.identity.user, reasons, headers };
  };

  /** Who is asking decides the rest: once signed in, every outcome is allow, deny or error, never one that loops through sign-in. */
  const judged = (req: IncomingMessage, request: CheckRequest, route: RoutePolicy, facts: () => RequestFacts, who: Identified): Outcome => {
    if (who.state === 'limited') {
      return { kind: 'limited', status: 429, reasons: [who.reason], retryAfterSeconds: Math.max(1, Math.ceil(who.retryAfterMs / 1000)) };
    }
    if (who.state === 'failed') return { kind: 'error', status: who.status, user: undefined, reasons: [who.reason], err: who.err };
    if (who.state === 'unauthenticated') return { kind: 'unauthenticated', status: 401, reasons: [who.reason], route };
    const user = who.identity.user;
    const view = viewOf(who.identity);
    if (view.headerProblem !== undefined) {
      logger.warn({ user, claim: view.headerProblem }, 'claim holds a control character; denying');
      return { kind: 'deny', status: 403, user, reasons: [REASONS.claimControlCharacter], route: undefined };
    }
    const decision = decideFor(route.query, view.subject, facts);
    if (!decision.allow) return { kind: 'deny', status: 403, user, reasons: decision.reasons, route };
    return allowed(req, request, route, who, view, decision);
  };

  // Synchronous unless a step waits for I/O: a remembered session or token is answered in the same
  // turn, without a promise per check.
  return (req, request) => {
    let route: RoutePolicy;
    try {
      route = parsePolicy(request.routeQuery);
    } catch (err) {
      // A broken route policy is a configuration fault: fail closed and say why in the log.
      const reason = err instanceof PolicyQueryError ? REASONS.policyInvalid : REASONS.internalError;
      return { kind: 'error', status: 500, user: undefined, reasons: [reason], err };
    }
    // The facts are read once, whether a password source (the client address) or a policy asks.
    let facts: RequestFacts | undefined;
    const factsOnce = (): RequestFacts => (facts ??= request.facts());
    const who = identify(req, route.sources, { facts: factsOnce });
    return who instanceof Promise ? who.then((w) => judged(req, request, route, factsOnce, w)) : judged(req, request, route, factsOnce, who);
  };
}

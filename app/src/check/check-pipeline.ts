/**
 * The one check every proxy family shares, top to bottom: the route's policy; who is asking
 * (the first configured identity source whose credential the request carries); the identity's
 * roles and headers under the config in force; the decision; the backend's credentials. It
 * answers nothing itself: each proxy adapter turns the outcome into its family's answer. No
 * decision here reads X-Forwarded-*, X-Request-ID or Host.
 */
import type { IncomingMessage } from 'node:http';
import { createAssertionStamper } from '../assertion/assertion-stamper.ts';
import { createBackendAnswerer, type BackendKind } from '../backends/answer-backend.ts';
import type { AppDeps } from '../deps.ts';
import { isHeaderSafe } from '../identity/headers/build-headers.ts';
import { decide, needsRequestFacts, NO_FACTS } from '../policy/decide.ts';
import { PolicyQueryError } from '../policy/query-policy.ts';
import type { RequestFacts } from '../policy/named/request-facts.ts';
import { REASONS } from '../policy/reasons.ts';
import { configuredBackends, createRoutePolicyCache, type RoutePolicy } from '../policy/route-policy-cache.ts';
import type { SessionRecord } from '../session/session-record.ts';
import { createIdentitySources, orderSources } from '../sources/ordered-sources.ts';
import { createKubernetesAccessCheck } from '../sources/serviceaccount/kubernetes-access.ts';
import { withSourceHeader } from './source-header.ts';
import type { CheckOutcome, CheckRequest } from './check-outcome.ts';

/** Runs the check; synchronous when nothing needs I/O (a cached session, no backend call). */
export type CheckPipeline = (req: IncomingMessage, request: CheckRequest) => CheckOutcome | Promise<CheckOutcome>;

/** Creates the pipeline once per process; everything per-config is prepared here. */
export function createCheckPipeline(deps: AppDeps): CheckPipeline {
  const { logger, config, viewOf } = deps;
  const available = configuredBackends(deps.backends);
  const parsePolicy = createRoutePolicyCache(() => deps.identity.current().policies, { backends: available, sources: config.identitySources });
  const identify = orderSources(createIdentitySources(deps));
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

  return async (req, request) => {
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
    let who = identify(req, route.sources, { facts: factsOnce });
    if (who instanceof Promise) who = await who;
    if (who.state === 'limited') {
      return { kind: 'limited', status: 429, reasons: [who.reason], retryAfterSeconds: Math.max(1, Math.ceil(who.retryAfterMs / 1000)) };
    }
    if (who.state === 'failed') return { kind: 'error', status: who.status, user: undefined, reasons: [who.reason], err: who.err };
    if (who.state === 'unauthenticated') return { kind: 'unauthenticated', status: 401, reasons: [who.reason], route };
    const { identity, record } = who;
    const user = identity.user;
    // Signed in from here on: every outcome is allow, deny or error, never one that loops through sign-in.
    const view = viewOf(identity);
    if (view.headerProblem !== undefined) {
      logger.warn({ user, claim: view.headerProblem }, 'claim holds a control character; denying');
      return { kind: 'deny', status: 403, user, reasons: [REASONS.claimControlCharacter], route: undefined };
    }
    const { query } = route;
    const decision = decide(query, view.subject, needsRequestFacts(query) ? factsOnce() : NO_FACTS);
    if (!decision.allow) return { kind: 'deny', status: 403, user, reasons: decision.reasons, route };
    // A named policy's kubernetes_access: the cluster's SubjectAccessReview, asked last.
    let access = kubernetesAccess(query.policy, identity);
    if (access instanceof Promise) access = await access;
    if (access?.state === 'failed') return { kind: 'error', status: access.status, user, reasons: [access.reason], err: access.err };
    if (access?.state === 'denied') return { kind: 'deny', status: 403, user, reasons: [access.reason], route };
    const backend = route.backend ?? config.backend.default;
    let extra = answerBackend(backend, identity, view, record);
    if (extra instanceof Promise) extra = await extra;
    if (!extra.ok) {
      if (extra.status === 403) {
        logger.warn({ user, backend, reason: extra.detail }, 'backend refused the user');
        return { kind: 'deny', status: 403, user, reasons: [extra.reason], route: undefined };
      }
      return { kind: 'error', status: extra.status, user, reasons: [extra.reason], err: new Error(extra.detail) };
    }
    const withTokens = record !== undefined && sendsTokens;
    let identityHeaders = withSourceHeader(view.headers, who.source);
    if (stamp !== undefined) {
      const stamped = stamp(identityHeaders, { identity, roles: view.roles }, route.assertionAudience, req, request);
      identityHeaders = stamped instanceof Promise ? await stamped : stamped;
    }
    const headers =
      withTokens || extra.headers.length > 0
        ? [...identityHeaders, ...(withTokens ? tokenHeaders(record, backend) : []), ...extra.headers]
        : identityHeaders;
    return { kind: 'allow', status: 200, user, reasons: access ? [...decision.reasons, access.reason] : decision.reasons, headers };
  };
}

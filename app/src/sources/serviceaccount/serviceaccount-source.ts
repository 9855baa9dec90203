/**
 * The serviceaccount source: a Kubernetes ServiceAccount token in `Authorization: Bearer`,
 * proven by the Kubernetes API's TokenReview for the configured audience. Answers are
 * remembered by the token's SHA-256 for GATEHOUSE_SERVICEACCOUNT_CACHE_TTL and never past the
 * token's own exp, so a pod repeating its token costs one review.
 *
 * Which Bearer tokens are this source's: with another source that takes Bearer tokens (bearer,
 * introspection) configured, only a JWT whose unverified `iss` is one of
 * GATEHOUSE_SERVICEACCOUNT_ISSUERS (the others get the rest); without one, every Bearer token, so
 * that a token is never passed over for a cookie. Either way only a JWT with such an `iss` is
 * sent to TokenReview; anything else is 401 at once. An unverified expired `exp` is 401 at once too.
 */
import type { IncomingMessage } from 'node:http';
import type { AppDeps } from '../../deps.ts';
import { REASONS } from '../../policy/reasons.ts';
import type { Identified } from '../identified.ts';
import type { IdentitySource } from '../identity-source.ts';
import { createAnswerCache, digest } from './answer-cache.ts';
import { kubernetesApiFor, type TokenReviewAnswer } from './kubernetes-api.ts';
import { hasBearer, peekBearerToken } from './read-service-account-token.ts';
import { serviceAccountIdentity } from './serviceaccount-identity.ts';

/** The other sources that take `Authorization: Bearer` tokens. */
const OTHER_BEARER_SOURCES: ReadonlySet<string> = new Set(['bearer', 'introspection']);
/** Answers remembered at once; beyond it the oldest goes. */
const MAX_REMEMBERED = 10_000;

const INVALID: Identified = Object.freeze({ state: 'unauthenticated', reason: REASONS.serviceAccountInvalid });
const EXPIRED: Identified = Object.freeze({ state: 'unauthenticated', reason: REASONS.serviceAccountExpired });
const MISSING: Identified = Object.freeze({ state: 'unauthenticated', reason: REASONS.serviceAccountMissing });

/** Creates the serviceaccount source. */
export function createServiceAccountSource(deps: Pick<AppDeps, 'config' | 'logger' | 'now'>): IdentitySource {
  const settings = deps.config.serviceAccount;
  if (!settings) throw new Error('the serviceaccount source needs its settings (GATEHOUSE_SERVICEACCOUNT_*)');
  const { now, logger } = deps;
  const api = kubernetesApiFor(deps);
  const issuers = new Set(settings.issuers);
  const everyBearer = !deps.config.identitySources.some((name) => OTHER_BEARER_SOURCES.has(name));
  const cache = createAnswerCache<Identified>(MAX_REMEMBERED, now);

  const judge = (answer: TokenReviewAnswer): Identified => {
    if (answer.kind === 'unavailable') {
      return { state: 'failed', status: 503, reason: REASONS.kubernetesUnavailable, err: new Error(answer.detail) };
    }
    if (answer.kind === 'refused') {
      logger.debug({ source: 'serviceaccount', cause: answer.error }, 'TokenReview did not authenticate the token');
      return INVALID;
    }
    // An API server that does not echo our audience is not audience-aware: the token was only
    // checked against the API server's own audience (TokenReview's documentation).
    if (!answer.audiences.includes(settings.audience)) return { state: 'unauthenticated', reason: REASONS.serviceAccountWrongAudience };
    const identity = serviceAccountIdentity(answer.user);
    if (!identity) {
      logger.debug({ source: 'serviceaccount', user: answer.user.username }, 'TokenReview named a user that is not a ServiceAccount');
      return INVALID;
    }
    return { state: 'identified', source: 'serviceaccount', identity };
  };

  const identify = (req: IncomingMessage): Identified | Promise<Identified> => {
    const header = req.headers.authorization;
    if (!hasBearer(header)) return MISSING;
    const peeked = peekBearerToken(header);
    if (peeked === undefined || peeked.iss === undefined || !issuers.has(peeked.iss)) return INVALID;
    const { token, expMs } = peeked;
    if (!peeked.signed) return INVALID;
    if (expMs !== undefined && expMs <= now()) return EXPIRED;
    return cache.answer(digest(token), async () => {
      const who = judge(await api.reviewToken(token, [settings.audience]));
      // An outage is never remembered: the next check asks again.
      if (who.state === 'failed') return { value: who, until: 0 };
      const until = Math.min(now() + settings.cacheTtlMs, expMs ?? Number.POSITIVE_INFINITY);
      return { value: who, until };
    });
  };

  return {
    name: 'serviceaccount',
    explicit: true,
    specific: !everyBearer,
    missing: REASONS.serviceAccountMissing,
    present(req) {
      const header = req.headers.authorization;
      if (!hasBearer(header)) return false;
      if (everyBearer) return true;
      const iss = peekBearerToken(header)?.iss;
      return iss !== undefined && issuers.has(iss);
    },
    identify,
  };
}

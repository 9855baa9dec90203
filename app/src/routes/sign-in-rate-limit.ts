/**
 * Limits how often one client may call /oauth2/start and /oauth2/callback: GATEHOUSE_SIGNIN_RATE_LIMIT
 * requests per GATEHOUSE_SIGNIN_RATE_WINDOW to each, counted per client address (client-address.ts).
 * Runs before the route, so a refused request starts nothing and writes no state; it is answered
 * 429 with Retry-After (a page for a browser), written to the audit log and counted in
 * gatehouse_rate_limited_total. A Redis that cannot count answers 503, never an unlimited request.
 */
import type { NextFunction, Request, Response } from 'express';
import type { AppDeps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { createClientAddress } from '../http/client-address.ts';
import { retryAfterSeconds } from '../http/rate-limit/request-rate-limiter.ts';
import { auditContext } from '../observability/audit-context.ts';

/** The routes counted, each apart: one sign-in is one start and one callback. */
export type SignInRoute = 'start' | 'callback';

/** Creates the middleware factory; the client rule and the limit text are built once. */
export function createSignInRateLimit(deps: AppDeps) {
  const clientOf = createClientAddress(deps.config.proxies.trust);
  const { rate } = deps.config.signInLimits;
  const limit = `${rate.limit} per ${rate.windowMs / 1000}s`;

  /**
   * The middleware of one route.
   * @param path - the route's path, as the audit line names it
   * @throws AppError RATE_LIMITED (429) for a client over the limit
   */
  return (route: SignInRoute, path: string) =>
    async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      const client = clientOf(req);
      const verdict = await deps.signInLimits.rate.hit(`${route}:${client}`);
      if (verdict.allowed) {
        next();
        return;
      }
      const seconds = retryAfterSeconds(verdict.retryAfterMs);
      deps.metrics.rateLimited.inc({ scope: `signin_${route}` });
      deps.audit.rateLimited({ route: path, limit, ...auditContext(req, res.locals.requestId) });
      throw new AppError('RATE_LIMITED', `${path}: client ${client} is over ${limit}`, {
        detail: `Too many sign-in requests came from your network in a short time. Please try again in ${seconds} seconds.`,
        retryAfterSeconds: seconds,
      });
    };
}

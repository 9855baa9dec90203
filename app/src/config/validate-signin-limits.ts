/**
 * The limits on browser sign-in, checked together: every problem is appended naming its
 * variable; nothing throws.
 */
import type { RateLimits } from '../http/rate-limit/request-rate-limiter.ts';
import type { CleanedEnv } from './schema.ts';

/** The sign-in limits' part of the Config. */
export interface SignInLimitSettings {
  /** Requests per client address to each of /oauth2/start and /oauth2/callback. */
  readonly rate: RateLimits;
  /** Login-state cookies one browser may carry at once. */
  readonly maxPendingPerBrowser: number;
  /** One-time markers of sign-ins in progress, over every browser. */
  readonly maxPending: number;
}

/** Each pending sign-in is a cookie the browser sends with every request: beyond this the Cookie header outgrows what proxies accept. */
export const MAX_PENDING_PER_BROWSER = 50;
const MIN_WINDOW_MS = 1_000;
const MAX_WINDOW_MS = 3_600_000;

type SignInLimitEnv = Pick<
  CleanedEnv,
  'GATEHOUSE_SIGNIN_RATE_LIMIT' | 'GATEHOUSE_SIGNIN_RATE_WINDOW' | 'GATEHOUSE_MAX_PENDING_SIGNINS_PER_BROWSER' | 'GATEHOUSE_MAX_PENDING_SIGNINS'
>;

/** Validates the sign-in limits. */
export function validateSignInLimits(env: SignInLimitEnv, problems: string[]): SignInLimitSettings {
  const windowMs = env.GATEHOUSE_SIGNIN_RATE_WINDOW;
  if (windowMs < MIN_WINDOW_MS) problems.push('GATEHOUSE_SIGNIN_RATE_WINDOW must be at least 1s: Retry-After counts whole seconds');
  if (windowMs > MAX_WINDOW_MS) problems.push('GATEHOUSE_SIGNIN_RATE_WINDOW must be at most 1h: one burst would lock an address out for the whole window');
  const perBrowser = env.GATEHOUSE_MAX_PENDING_SIGNINS_PER_BROWSER;
  if (perBrowser > MAX_PENDING_PER_BROWSER) {
    problems.push(`GATEHOUSE_MAX_PENDING_SIGNINS_PER_BROWSER must be at most ${MAX_PENDING_PER_BROWSER}: each sign-in in progress is a cookie of about 400 bytes sent with every request, and proxies refuse a Cookie header much over 8 KiB`);
  }
  if (env.GATEHOUSE_MAX_PENDING_SIGNINS < perBrowser) {
    problems.push('GATEHOUSE_MAX_PENDING_SIGNINS must be at least GATEHOUSE_MAX_PENDING_SIGNINS_PER_BROWSER: otherwise one browser alone could fill it');
  }
  return {
    rate: { limit: env.GATEHOUSE_SIGNIN_RATE_LIMIT, windowMs },
    maxPendingPerBrowser: perBrowser,
    maxPending: env.GATEHOUSE_MAX_PENDING_SIGNINS,
  };
}

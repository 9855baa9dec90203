/**
 * Environment variables of the limits on browser sign-in: how often one client may call
 * /oauth2/start and /oauth2/callback, and how many sign-ins may be in progress per browser and
 * in all.
 */
import { duration, positiveInt } from './validators.ts';

/** The envalid specification of the sign-in limit variables. */
export const SIGNIN_LIMITS_SCHEMA = {
  GATEHOUSE_SIGNIN_RATE_LIMIT: positiveInt({
    desc: 'Requests one client address (an IPv6 address by its /64) may make to /oauth2/start, and as many to /oauth2/callback, in each GATEHOUSE_SIGNIN_RATE_WINDOW; beyond it they are answered 429 with Retry-After until the window ends. The address is X-Real-IP from a proxy trusted by GATEHOUSE_TRUSTED_PROXY_SOURCES (and/or its secret), otherwise the connection\'s peer: without a trusted proxy, every browser behind one proxy shares one count. Shared by every replica through Redis when GATEHOUSE_SESSION_STORE=redis',
    default: 120,
  }),
  GATEHOUSE_SIGNIN_RATE_WINDOW: duration({
    desc: 'The window GATEHOUSE_SIGNIN_RATE_LIMIT counts in, from an address\'s first request; 1s to 1h',
    default: 60_000,
    example: '1m',
  }),
  GATEHOUSE_MAX_PENDING_SIGNINS_PER_BROWSER: positiveInt({
    desc: 'Sign-ins one browser may have in progress at once (each is a cookie of about 400 bytes); a new one beyond it drops the oldest, whose tab is told to start again. At most 50',
    default: 10,
  }),
  GATEHOUSE_MAX_PENDING_SIGNINS: positiveInt({
    desc: 'Sign-ins in progress kept at once, over every browser (their one-time markers in the session store, each until it is used or GATEHOUSE_LOGIN_TIMEOUT passes); a new one beyond it drops the oldest. In the memory store a hard bound; with Redis, an index in Redis kept to this size',
    default: 10_000,
  }),
};

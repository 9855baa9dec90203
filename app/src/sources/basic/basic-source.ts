/**
 * What every password source (ldap, htpasswd) shares around its own password check: the
 * `Authorization: Basic` header read and refused early when it cannot be a credential (no
 * password above all), the attempt limiter asked before any password is checked and told of
 * every wrong one, and the metrics. A source only says whether a login and password are right.
 */
import type { IncomingMessage } from 'node:http';
import type { SourceName } from '../../config/identity-sources.ts';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { REASONS, type Reason } from '../../policy/reasons.ts';
import type { Identity } from '../../session/session-record.ts';
import type { Identified } from '../identified.ts';
import type { IdentitySource, SourceContext } from '../identity-source.ts';
import { attemptKeys, type AttemptLimiter } from './attempt-limiter.ts';
import { isBasic, readBasicCredentials } from './read-basic-credentials.ts';

/** A password source's answer for one login and password. */
export type PasswordVerdict =
  | { readonly ok: true; readonly identity: Identity }
  /** Wrong: an unknown login, a wrong password, a disabled account, a missing required group. */
  | { readonly ok: false; readonly reason: Reason }
  /** Could not tell (the directory is down): a 5xx, and not counted as a wrong attempt. */
  | { readonly ok: 'unknown'; readonly status: number; readonly reason: Reason; readonly err: unknown };

/** Checks one login and password. */
export type PasswordCheck = (login: string, password: string) => Promise<PasswordVerdict>;

/** What a password source is built from. */
export interface BasicSourceParts {
  readonly name: SourceName;
  readonly check: PasswordCheck;
  readonly limiter: AttemptLimiter;
  readonly metrics: Pick<Metrics, 'basicFailures' | 'rateLimited'>;
  readonly logger: Logger;
}

/** Builds a password source on `Authorization: Basic`. */
export function createBasicSource(parts: BasicSourceParts): IdentitySource {
  const { name, check, limiter, logger } = parts;
  const failures = parts.metrics.basicFailures.labels({ source: name });
  const unavailable = (err: unknown): Identified => ({ state: 'failed', status: 503, reason: REASONS.storeUnavailable, err });

  const identify = async (req: IncomingMessage, context?: SourceContext): Promise<Identified> => {
    const credentials = readBasicCredentials(req.headers.authorization);
    if ('problem' in credentials) {
      if (credentials.problem === 'not-basic') return { state: 'unauthenticated', reason: REASONS.basicMissing };
      // A malformed header or an empty password is refused before any directory or file is asked.
      failures.inc();
      return { state: 'unauthenticated', reason: REASONS.basicInvalid };
    }
    const keys = attemptKeys(credentials.login, context?.facts().sourceIp);
    let blocked;
    try {
      blocked = await limiter.blocked(keys);
    } catch (err) {
      return unavailable(err);
    }
    if (blocked) {
      parts.metrics.rateLimited.inc({ scope: blocked.scope });
      logger.info({ source: name, scope: blocked.scope, retryAfterMs: blocked.retryAfterMs }, 'password attempt refused: too many failures');
      return { state: 'limited', reason: REASONS.basicRateLimited, retryAfterMs: blocked.retryAfterMs };
    }
    const verdict = await check(credentials.login, credentials.password);
    if (verdict.ok === true) {
      // Only the login's count is cleared; losing that write costs the user nothing.
      limiter.succeeded(keys).catch(() => {});
      return { state: 'identified', source: name, identity: verdict.identity };
    }
    if (verdict.ok === 'unknown') return { state: 'failed', status: verdict.status, reason: verdict.reason, err: verdict.err };
    failures.inc();
    try {
      await limiter.failed(keys);
    } catch (err) {
      return unavailable(err);
    }
    return { state: 'unauthenticated', reason: verdict.reason };
  };

  return {
    name,
    explicit: true,
    missing: REASONS.basicMissing,
    present: (req) => isBasic(req.headers.authorization),
    identify,
  };
}

/**
 * The answers of the password sources (ldap, htpasswd) that every proxy family shares: a 401
 * whose reason is a Basic one carries `WWW-Authenticate: Basic realm="…", charset="UTF-8"` (RFC
 * 7617), so browsers and clients know to send a login and password; a 429 names the seconds to
 * wait in Retry-After (RFC 9110 §10.2.3). Built once per config.
 */
import type { Config } from '../config/config.ts';
import { REASONS, type Reason } from '../policy/reasons.ts';

/** The reasons that mean "send a login and password". */
const BASIC_REASONS: ReadonlySet<Reason> = new Set([REASONS.basicMissing, REASONS.basicInvalid, REASONS.ldapGroupRequired]);

/** The Basic challenge for the reasons of an unauthenticated outcome, when one is due. */
export type BasicChallenge = (reasons: readonly Reason[]) => string | undefined;

/** Creates the challenge of `config`; the realm was checked to need no escaping. */
export function createBasicChallenge(config: Pick<Config, 'basic'>): BasicChallenge {
  const value = `Basic realm="${config.basic.realm}", charset="UTF-8"`;
  return (reasons) => (reasons.some((r) => BASIC_REASONS.has(r)) ? value : undefined);
}

/** The headers of a 429: no caching, and when to try again. */
export function limitedHeaders(noStore: readonly string[], retryAfterSeconds: number): string[] {
  return [...noStore, 'Retry-After', String(retryAfterSeconds)];
}

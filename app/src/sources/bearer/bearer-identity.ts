/**
 * The bearer source's judgement of one `Authorization: Bearer` token: the token's unverified `iss`
 * picks the issuer before any key is fetched or signature checked (a stranger's token is 401 at
 * once), the issuer verifies it (signature, algorithm, `iss`, `aud`, `exp`, `nbf`; UserInfo in the
 * provider's userinfo modes), and the issuer's claims mapping and username prefix make the
 * identity. A verified token is remembered by its SHA-256 until its `exp`, so a client repeating
 * its token costs one map lookup per check, and its hash once per connection.
 */
import type { AppDeps } from '../../deps.ts';
import { identityFromClaims } from '../../identity/identity-from-claims.ts';
import { REASONS, type Reason } from '../../policy/reasons.ts';
import type { Identity } from '../../session/session-record.ts';
import type { Identified } from '../identified.ts';
import { createConnectionKeys, createTokenMemory, tokenKey, type Judged } from '../token-memory.ts';
import type { BearerReason, BearerResult } from './bearer-types.ts';
import { isRefused, peekToken } from './peek-token.ts';
import { canonicalTokenText, isJwsShaped, readBearerToken } from './read-bearer-token.ts';
import { createTokenIssuers, type TokenIssuer } from './token-issuers.ts';

/** Without a `bearer` section, this many verified tokens are remembered. */
const DEFAULT_REMEMBERED = 10_000;
/** A vouched-for token without `exp` (UserInfo of an opaque token) is asked about again this often. */
const NO_EXP_REMEMBER_MS = 60_000;

const REASON_OF: Readonly<Record<BearerReason, Reason>> = {
  bearer_missing: REASONS.bearerMissing,
  bearer_malformed: REASONS.bearerInvalid,
  bearer_alg_refused: REASONS.bearerInvalid,
  bearer_unknown_key: REASONS.bearerInvalid,
  bearer_bad_signature: REASONS.bearerInvalid,
  bearer_wrong_issuer: REASONS.bearerInvalid,
  bearer_unknown_issuer: REASONS.bearerUnknownIssuer,
  bearer_wrong_audience: REASONS.bearerWrongAudience,
  bearer_expired: REASONS.bearerExpired,
  bearer_not_yet_valid: REASONS.bearerInvalid,
  bearer_claims_invalid: REASONS.bearerInvalid,
  bearer_userinfo_refused: REASONS.bearerInvalid,
  idp_unavailable: REASONS.idpUnavailable,
};

/** Failures are judged again on the next check: never remembered. */
const once = (value: Identified): Judged<Identified> => ({ value, until: 0 });

function refused(reason: BearerReason, detail?: string): Judged<Identified> {
  const mapped = REASON_OF[reason];
  if (mapped === REASONS.idpUnavailable) return once({ state: 'failed', status: 503, reason: mapped, err: new Error(detail ?? reason) });
  return once({ state: 'unauthenticated', reason: mapped });
}

const NOT_READY = once({ state: 'failed', status: 503, reason: REASONS.idpUnavailable, err: new Error('discovery has not loaded') });

/** Judges Authorization headers, sent on `connection` (a socket): synchronously for a remembered token. */
export type BearerIdentifier = (header: string | undefined, connection?: object) => Identified | Promise<Identified>;

/** Creates the identifier and starts fetching the issuers' keys. */
export function createBearerIdentifier(deps: Pick<AppDeps, 'config' | 'idp' | 'identity' | 'logger' | 'now' | 'outbound' | 'lifecycle'>): BearerIdentifier {
  const { now } = deps;
  const issuers = createTokenIssuers(deps);
  const memory = createTokenMemory<Identified>(deps.config.bearer?.cacheSize ?? DEFAULT_REMEMBERED, now);
  const keyOf = createConnectionKeys();
  let fingerprint = deps.identity.current().fingerprint;

  const identityOf = async (issuer: TokenIssuer, result: Extract<BearerResult, { ok: true }>): Promise<Judged<Identified>> => {
    let mapped;
    try {
      mapped = await identityFromClaims(issuer.claims(), result.claims, async () => undefined);
    } catch {
      mapped = { ok: false as const, problems: [] };
    }
    if (!mapped.ok) {
      deps.logger.debug({ source: 'bearer', issuer: issuer.issuer, problems: mapped.problems }, 'token claims name no identity');
      return once({ state: 'unauthenticated', reason: REASONS.bearerInvalid });
    }
    const identity: Identity = issuer.usernamePrefix === '' ? mapped.identity : { ...mapped.identity, user: `${issuer.usernamePrefix}${mapped.identity.user}` };
    const exp = result.claims.exp;
    const expiresAt = typeof exp === 'number' ? (exp + issuer.clockSkewSec) * 1000 : now() + NO_EXP_REMEMBER_MS;
    const until = issuer.rememberAtMostMs === undefined ? expiresAt : Math.min(expiresAt, now() + issuer.rememberAtMostMs);
    return { value: { state: 'identified', source: 'bearer', identity }, until };
  };

  const judge = async (token: string): Promise<Judged<Identified>> => {
    let issuer: TokenIssuer | undefined | 'not-ready';
    if (isJwsShaped(token)) {
      const peeked = peekToken(token);
      if (isRefused(peeked)) return refused(peeked.reason, peeked.detail);
      issuer = issuers.find(peeked.iss);
      if (issuer === undefined) return refused('bearer_unknown_issuer');
    } else {
      issuer = issuers.opaque();
      if (issuer === undefined) return refused('bearer_malformed', 'not a JWT');
    }
    if (issuer === 'not-ready') return NOT_READY;
    const result = await issuer.verify(token);
    if (!result.ok) return refused(result.reason, result.detail);
    return identityOf(issuer, result);
  };

  return (header, connection) => {
    // A reloaded claims mapping makes every remembered identity stale.
    const current = deps.identity.current().fingerprint;
    if (current !== fingerprint) {
      memory.clear();
      fingerprint = current;
    }
    // The hot path: a token sent as it was when first judged costs one hash and one lookup (the
    // hash only once while its connection keeps sending it).
    const text = canonicalTokenText(header);
    const quickKey = text === undefined ? undefined : keyOf(connection, text);
    const known = quickKey === undefined ? undefined : memory.peek(quickKey);
    if (known !== undefined) return known;
    const read = readBearerToken(header);
    if (!('token' in read)) return { state: 'unauthenticated', reason: REASON_OF[read.reason] };
    const { token } = read;
    // The same text when the lengths agree (the token is the header's tail, trimmed).
    const key = quickKey !== undefined && text?.length === token.length ? quickKey : tokenKey(token);
    return memory.recall(key, () => judge(token));
  };
}

/**
 * The introspection source's judgement of one Bearer token. An opaque token carries no issuer, so
 * the issuers with an `introspection` block are asked in the order the config file lists them,
 * until one says it is active; a JWT (when the bearer source is not configured) goes only to the
 * issuer its unverified `iss` names, so a token is never shown to an issuer it does not come from.
 * The answer's claims go through the issuer's claims mapping and username prefix. An answer is
 * remembered by the token's SHA-256 until the token's `exp` and never longer than the issuer's
 * `max_cache`; an inactive token is remembered as such for at most 30 s; an issuer that cannot be
 * asked is 503 and is asked again on the next check.
 */
import type { IssuerSettings } from '../../config/bearer-settings.ts';
import type { AppDeps } from '../../deps.ts';
import { identityFromClaims } from '../../identity/identity-from-claims.ts';
import { REASONS } from '../../policy/reasons.ts';
import type { Identity } from '../../session/session-record.ts';
import { issuerMetadata } from '../bearer/issuer-metadata.ts';
import { isRefused, peekToken } from '../bearer/peek-token.ts';
import { canonicalTokenText, isJwsShaped, readBearerToken } from '../bearer/read-bearer-token.ts';
import type { Identified } from '../identified.ts';
import { createConnectionKeys, createTokenMemory, tokenKey, type Judged } from '../token-memory.ts';
import { checkActiveToken } from './active-token.ts';
import { createAuthenticator } from './client-authentication.ts';
import { introspect, type IntrospectionAnswer } from './introspect.ts';

const INACTIVE_REMEMBER_MS = 30_000;
/** A failing issuer is logged at most this often, so a misconfiguration does not flood the log. */
const LOG_EVERY_MS = 60_000;

type Deps = Pick<AppDeps, 'config' | 'identity' | 'logger' | 'now' | 'outbound'>;

/** One issuer that introspects. */
interface Introspector {
  readonly settings: IssuerSettings;
  ask(token: string): Promise<IntrospectionAnswer>;
}

const once = (value: Identified): Judged<Identified> => ({ value, until: 0 });

function createIntrospector(settings: IssuerSettings, deps: Deps): Introspector {
  const introspection = settings.introspection;
  const outbound = deps.outbound.issuers.get(settings.issuer);
  if (!introspection || !outbound) throw new Error(`${settings.issuer} has no introspection`);
  const metadata = issuerMetadata(settings, outbound.fetch('discovery'));
  const authenticate = createAuthenticator(introspection, settings.issuer);
  const fetchIntrospection = outbound.fetch('introspection');
  let loggedAt = -Infinity;
  const endpoint = async (): Promise<string | undefined> => {
    if (introspection.endpoint) return introspection.endpoint.href;
    return (await metadata()).introspectionEndpoint;
  };
  // Read at start-up when discovery names the endpoint, so the first check does not wait for it.
  if (!introspection.endpoint) void metadata().catch(() => undefined);
  return {
    settings,
    async ask(token) {
      let answer: IntrospectionAnswer;
      try {
        const url = await endpoint();
        answer = url === undefined ? { kind: 'unavailable', detail: 'discovery names no introspection_endpoint' } : await introspect({ endpoint: url, authenticate, fetch: fetchIntrospection, timeoutMs: settings.timeoutMs }, token);
      } catch (err) {
        answer = { kind: 'unavailable', detail: `discovery failed: ${(err as Error)?.message ?? String(err)}` };
      }
      if (answer.kind === 'unavailable' && deps.now() - loggedAt >= LOG_EVERY_MS) {
        loggedAt = deps.now();
        deps.logger.warn({ source: 'introspection', issuer: settings.issuer, cause: answer.detail }, 'token introspection unavailable');
      }
      return answer;
    },
  };
}

/** Judges Authorization headers: synchronously for a remembered token. */
export type IntrospectionIdentifier = (header: string | undefined, connection?: object) => Identified | Promise<Identified>;

/** Creates the identifier for the issuers that introspect. */
export function createIntrospectionIdentifier(deps: Deps): IntrospectionIdentifier {
  const { now } = deps;
  const introspectors = (deps.config.bearer?.issuers ?? []).filter((issuer) => issuer.introspection).map((issuer) => createIntrospector(issuer, deps));
  const memory = createTokenMemory<Identified>(deps.config.bearer?.cacheSize ?? 10_000, now);
  const keyOf = createConnectionKeys();
  let fingerprint = deps.identity.current().fingerprint;

  const identified = async (introspector: Introspector, members: Readonly<Record<string, unknown>>): Promise<Judged<Identified>> => {
    const { settings } = introspector;
    const rules = { issuer: settings.issuer, audiences: settings.audiences, audienceClaim: settings.introspection?.audienceClaim ?? 'aud', clockSkewSec: settings.clockSkewSec };
    const active = checkActiveToken(members, rules, Math.floor(now() / 1000));
    if (!active.ok) {
      deps.logger.debug({ source: 'introspection', issuer: settings.issuer, cause: active.detail }, 'active token refused');
      return once({ state: 'unauthenticated', reason: active.reason });
    }
    const mapped = await identityFromClaims(settings.claims ?? deps.identity.current().claims, active.claims, async () => undefined).catch(() => undefined);
    if (!mapped?.ok) return once({ state: 'unauthenticated', reason: REASONS.bearerInvalid });
    const identity: Identity = settings.usernamePrefix === '' ? mapped.identity : { ...mapped.identity, user: `${settings.usernamePrefix}${mapped.identity.user}` };
    const exp = active.claims.exp;
    const longest = now() + (settings.introspection?.maxCacheMs ?? 0);
    const until = typeof exp === 'number' ? Math.min((exp + settings.clockSkewSec) * 1000, longest) : longest;
    return { value: { state: 'identified', source: 'introspection', identity }, until };
  };

  const judge = async (token: string): Promise<Judged<Identified>> => {
    let candidates = introspectors;
    if (isJwsShaped(token)) {
      const peeked = peekToken(token);
      if (isRefused(peeked)) return once({ state: 'unauthenticated', reason: REASONS.bearerInvalid });
      candidates = introspectors.filter((i) => i.settings.issuer === peeked.iss);
      if (candidates.length === 0) return once({ state: 'unauthenticated', reason: REASONS.bearerUnknownIssuer });
    }
    let unavailable: string | undefined;
    for (const introspector of candidates) {
      const answer = await introspector.ask(token);
      if (answer.kind === 'active') return identified(introspector, answer.members);
      if (answer.kind === 'unavailable') unavailable ??= `${introspector.settings.issuer}: ${answer.detail}`;
    }
    // No issuer knew the token; if one could not be asked, it may have.
    if (unavailable !== undefined) return once({ state: 'failed', status: 503, reason: REASONS.idpUnavailable, err: new Error(unavailable) });
    return { value: { state: 'unauthenticated', reason: REASONS.tokenInactive }, until: now() + INACTIVE_REMEMBER_MS };
  };

  return (header, connection) => {
    const current = deps.identity.current().fingerprint;
    if (current !== fingerprint) {
      memory.clear();
      fingerprint = current;
    }
    const text = canonicalTokenText(header);
    const quickKey = text === undefined ? undefined : keyOf(connection, text);
    const known = quickKey === undefined ? undefined : memory.peek(quickKey);
    if (known !== undefined) return known;
    const read = readBearerToken(header);
    if (!('token' in read)) return { state: 'unauthenticated', reason: read.reason === 'bearer_missing' ? REASONS.bearerMissing : REASONS.bearerInvalid };
    const { token } = read;
    const key = quickKey !== undefined && text?.length === token.length ? quickKey : tokenKey(token);
    return memory.recall(key, () => judge(token));
  };
}

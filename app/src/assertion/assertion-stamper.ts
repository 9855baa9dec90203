/**
 * Adds X-Gatehouse-Assertion to an allowed check's identity headers: a JWT signed with gatehouse's
 * key, naming the user, groups and roles, for the route's audience and the request's method and
 * host. Signing costs far more than the check, so one assertion is reused for the same identity
 * headers (one per session and config), audience, method and host until half its lifetime is
 * left; every upstream then holds one valid for at least that half. The cache is bounded per
 * identity and goes with the identity's headers when the session leaves memory.
 * @see RFC 7519 (JWT), RFC 8725 §3.11 (explicit typing)
 */
import type { IncomingMessage } from 'node:http';
import { SignJWT } from 'jose';
import type { CheckRequest } from '../check/check-outcome.ts';
import type { AssertionSettings } from '../config/validate-assertion.ts';
import type { Logger } from '../observability/logger.ts';
import type { Identity } from '../session/session-record.ts';
import { ASSERTION_HEADER, ASSERTION_TYPE } from './assertion-header.ts';
import type { AssertionKeys } from './assertion-keys.ts';
import { assertionTargetOf } from './assertion-target.ts';

/** Assertions cached per identity headers; beyond this many audiences, methods and hosts the set starts over. */
const PER_IDENTITY = 64;

/** The identity the assertion speaks for. */
export interface AssertedIdentity {
  readonly identity: Pick<Identity, 'user' | 'email' | 'groups'>;
  readonly roles: readonly string[];
}

/** Returns `identityHeaders` with the assertion appended (the same array while it is reused). */
export type StampAssertion = (
  identityHeaders: readonly string[],
  who: AssertedIdentity,
  audience: string | undefined,
  req: IncomingMessage,
  request: CheckRequest,
) => readonly string[] | Promise<readonly string[]>;

type Entry = { readonly headers: readonly string[]; readonly refreshAt: number; readonly generation: number };

/** Creates the stamper once per process. */
export function createAssertionStamper(settings: AssertionSettings, keys: AssertionKeys, deps: { readonly logger: Logger; readonly now: () => number }): StampAssertion {
  const cache = new WeakMap<readonly string[], Map<string, Entry | Promise<Entry>>>();
  const ttlSeconds = Math.floor(settings.ttlMs / 1000);
  let warnedNoAudience = false;

  const sign = async (identityHeaders: readonly string[], who: AssertedIdentity, aud: string, method: string | undefined, host: string | undefined): Promise<Entry> => {
    const generation = keys.generation();
    const { key, alg, kid } = keys.signing();
    const now = deps.now();
    const iat = Math.floor(now / 1000);
    const { identity, roles } = who;
    const token = await new SignJWT({
      groups: [...identity.groups],
      roles: [...roles],
      ...(identity.email === undefined ? {} : { email: identity.email }),
      ...(method === undefined ? {} : { method }),
      ...(host === undefined ? {} : { host }),
    })
      .setProtectedHeader({ alg, kid, typ: ASSERTION_TYPE })
      .setIssuer(settings.issuer)
      .setAudience(aud)
      .setSubject(identity.user)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .sign(key);
    return { headers: Object.freeze([...identityHeaders, ASSERTION_HEADER, token]), refreshAt: now + settings.ttlMs / 2, generation };
  };

  return (identityHeaders, who, audience, req, request) => {
    const { method, host } = assertionTargetOf(req, request);
    const aud = audience ?? host;
    if (aud === undefined) {
      // Without an audience an assertion would be good for any app: none is better.
      if (!warnedNoAudience) deps.logger.warn('no assertion: the route names no assertion_audience and the proxy sent no original host');
      warnedNoAudience = true;
      return identityHeaders;
    }
    let entries = cache.get(identityHeaders);
    if (entries === undefined) cache.set(identityHeaders, (entries = new Map()));
    const cacheKey = `${aud}\n${method ?? ''}\n${host ?? ''}`;
    const cached = entries.get(cacheKey);
    if (cached !== undefined && !(cached instanceof Promise) && cached.refreshAt > deps.now() && cached.generation === keys.generation()) return cached.headers;
    if (cached instanceof Promise) return cached.then((entry) => entry.headers);
    if (entries.size >= PER_IDENTITY) entries.clear();
    const signing = sign(identityHeaders, who, aud, method, host);
    const map = entries;
    map.set(cacheKey, signing);
    return signing.then(
      (entry) => {
        if (map.get(cacheKey) === signing) map.set(cacheKey, entry);
        return entry.headers;
      },
      (err: unknown) => {
        if (map.get(cacheKey) === signing) map.delete(cacheKey);
        throw err;
      },
    );
  };
}

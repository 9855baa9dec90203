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
import { checkTarget, rawTargetOf, type AssertionTarget, type RawTarget } from './assertion-target.ts';

/** Assertions cached per identity headers; beyond this many audiences, methods and hosts the set starts over. */
const PER_IDENTITY = 32;

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

/** A signed assertion and what it was signed for; found again by the raw target, compared as strings. */
interface Entry {
  readonly audience: string | undefined;
  readonly raw: RawTarget;
  readonly headers: readonly string[];
  readonly refreshAt: number;
  readonly generation: number;
}

/** Creates the stamper once per process. */
export function createAssertionStamper(settings: AssertionSettings, keys: AssertionKeys, deps: { readonly logger: Logger; readonly now: () => number }): StampAssertion {
  // Per identity headers: the assertions signed (or being signed) for each audience, method and host.
  const cache = new WeakMap<readonly string[], Array<Entry | { readonly pending: Promise<Entry>; readonly audience: string | undefined; readonly raw: RawTarget }>>();
  const ttlSeconds = Math.floor(settings.ttlMs / 1000);
  let warnedNoAudience = false;

  const sign = async (identityHeaders: readonly string[], who: AssertedIdentity, audience: string | undefined, raw: RawTarget, aud: string, target: AssertionTarget): Promise<Entry> => {
    const generation = keys.generation();
    const { key, alg, kid } = keys.signing();
    const now = deps.now();
    const iat = Math.floor(now / 1000);
    const { identity, roles } = who;
    const token = await new SignJWT({
      groups: [...identity.groups],
      roles: [...roles],
      ...(identity.email === undefined ? {} : { email: identity.email }),
      ...(target.method === undefined ? {} : { method: target.method }),
      ...(target.host === undefined ? {} : { host: target.host }),
    })
      .setProtectedHeader({ alg, kid, typ: ASSERTION_TYPE })
      .setIssuer(settings.issuer)
      .setAudience(aud)
      .setSubject(identity.user)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .sign(key);
    return { audience, raw, headers: Object.freeze([...identityHeaders, ASSERTION_HEADER, token]), refreshAt: now + settings.ttlMs / 2, generation };
  };

  return (identityHeaders, who, audience, req, request) => {
    const raw = rawTargetOf(req, request);
    let entries = cache.get(identityHeaders);
    if (entries === undefined) cache.set(identityHeaders, (entries = []));
    // The hot path: a linear look through a few entries comparing short strings, nothing parsed.
    let index = -1;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as Entry;
      if (entry.audience === audience && entry.raw.method === raw.method && entry.raw.authority === raw.authority) {
        index = i;
        break;
      }
    }
    const found = index === -1 ? undefined : entries[index];
    if (found !== undefined && 'pending' in found) return found.pending.then((entry) => entry.headers);
    if (found !== undefined && found.refreshAt > deps.now() && found.generation === keys.generation()) return found.headers;
    const target = checkTarget(raw);
    const aud = audience ?? target.host;
    if (aud === undefined) {
      // Without an audience an assertion would be good for any app: none is better.
      if (!warnedNoAudience) deps.logger.warn('no assertion: the route names no assertion_audience and the proxy sent no original host');
      warnedNoAudience = true;
      return identityHeaders;
    }
    if (index === -1 && entries.length >= PER_IDENTITY) entries.length = 0;
    const list = entries;
    const pending = sign(identityHeaders, who, audience, raw, aud, target);
    const placeholder = { pending, audience, raw };
    if (index === -1) list.push(placeholder);
    else list[index] = placeholder;
    return pending.then(
      (entry) => {
        const at = list.indexOf(placeholder);
        if (at !== -1) list[at] = entry;
        return entry.headers;
      },
      (err: unknown) => {
        const at = list.indexOf(placeholder);
        if (at !== -1) list.splice(at, 1);
        throw err;
      },
    );
  };
}

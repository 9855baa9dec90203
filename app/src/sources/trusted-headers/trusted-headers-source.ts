/**
 * The trusted-headers source (the authelia provider's), as elastauth's but hardened: identity headers are
 * believed only from the configured upstream (peer network and/or shared secret); anything else
 * is 401. The identity of one header combination is remembered, so its roles are worked out once.
 */
import type { Identified } from '../identified.ts';
import { createTrustedHeaderSource, type TrustedHeaderReason } from './read-trusted-headers.ts';
import type { AppDeps } from '../../deps.ts';
import { REASONS, type Reason } from '../../policy/reasons.ts';
import type { Identity } from '../../session/session-record.ts';
import type { IdentitySource } from '../identity-source.ts';

const MAX_REMEMBERED = 10_000;

const REASON_OF: Readonly<Record<TrustedHeaderReason, Reason>> = {
  trusted_headers_unconfigured: REASONS.trustedHeadersUnconfigured,
  untrusted_source: REASONS.untrustedSource,
  trusted_user_missing: REASONS.trustedUserMissing,
  trusted_header_invalid: REASONS.trustedHeaderInvalid,
};

/** Creates the trusted-headers source. */
export function createTrustedHeadersSource(deps: Pick<AppDeps, 'config'>): IdentitySource {
  const settings = deps.config.trustedHeaders;
  if (!settings) throw new Error('the trusted-headers source needs its settings (GATEHOUSE_TRUSTED_HEADER_*)');
  const source = createTrustedHeaderSource({
    headers: settings.headers,
    trustedSources: settings.sources,
    ...(settings.secret && { sharedSecret: settings.secret }),
  });
  const remembered = new Map<string, Identity>();
  const userHeader = settings.headers.user.toLowerCase();
  const identify = (req: import('node:http').IncomingMessage): Identified => {
    const result = source.readTrustedIdentity({ headers: req.headers, headersDistinct: req.headersDistinct, remoteAddress: req.socket.remoteAddress });
    if (!result.ok) return { state: 'unauthenticated', reason: REASON_OF[result.reason] };
    const { user, groups, email, name } = result.identity;
    const key = JSON.stringify([user, groups, email, name]);
    let identity = remembered.get(key);
    if (!identity) {
      identity = { sub: user, user, email, groups, preferredUsername: undefined, name, dn: undefined, claims: {} };
      if (remembered.size >= MAX_REMEMBERED) remembered.clear();
      remembered.set(key, identity);
    }
    return { state: 'identified', source: 'trusted-headers', identity };
  };
  return {
    name: 'trusted-headers',
    explicit: true,
    missing: REASONS.trustedUserMissing,
    present: (req) => req.headers[userHeader] !== undefined,
    identify,
  };
}

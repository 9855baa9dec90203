/**
 * The introspection source: an opaque `Authorization: Bearer` token, vouched for by its issuer's
 * RFC 7662 introspection endpoint (the config file's `bearer.issuers` with an `introspection`
 * block). With the bearer source also configured, a JWS-shaped token is the bearer source's and
 * every other token this one's; alone, this source takes every Bearer token (a JWT goes to the
 * issuer its `iss` names). Identities are named `introspection` in X-Auth-Request-Source.
 */
import type { AppDeps } from '../../deps.ts';
import { REASONS } from '../../policy/reasons.ts';
import { bearerTokenOf, hasBearerScheme, isJwsShaped } from '../bearer/read-bearer-token.ts';
import type { IdentitySource } from '../identity-source.ts';
import { createIntrospectionIdentifier } from './introspection-identity.ts';

/** Creates the introspection source. */
export function createIntrospectionSource(deps: AppDeps): IdentitySource {
  const identify = createIntrospectionIdentifier(deps);
  const shared = deps.config.identitySources.includes('bearer');
  return {
    name: 'introspection',
    explicit: true,
    missing: REASONS.bearerMissing,
    present(req) {
      const header = req.headers.authorization;
      return hasBearerScheme(header) && (!shared || !isJwsShaped(bearerTokenOf(header) ?? ''));
    },
    identify: (req) => identify(req.headers.authorization, req.socket),
  };
}

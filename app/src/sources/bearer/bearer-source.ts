/**
 * The bearer source: an `Authorization: Bearer` JWT from a trusted issuer (the config file's
 * `bearer.issuers`, or the OpenID Provider alone).
 *
 * How it shares `Authorization: Bearer` with the introspection source: with both configured, a
 * token of JWS shape (three base64url segments) is this source's and any other is
 * introspection's, so each token is judged by exactly one of them, on its own merits, and never
 * passed over for a cookie. Alone, this source takes every Bearer token (an opaque one is 401, or
 * goes to UserInfo in the provider's userinfo modes).
 */
import type { AppDeps } from '../../deps.ts';
import { REASONS } from '../../policy/reasons.ts';
import type { IdentitySource } from '../identity-source.ts';
import { createBearerIdentifier } from './bearer-identity.ts';
import { bearerTokenOf, hasBearerScheme, isJwsShaped } from './read-bearer-token.ts';

/** Creates the bearer source. */
export function createBearerSource(deps: AppDeps): IdentitySource {
  const identify = createBearerIdentifier(deps);
  const shared = (deps.config.identitySources as readonly string[]).includes('introspection');
  return {
    name: 'bearer',
    explicit: true,
    missing: REASONS.bearerMissing,
    present(req) {
      const header = req.headers.authorization;
      return hasBearerScheme(header) && (!shared || isJwsShaped(bearerTokenOf(header) ?? ''));
    },
    identify: (req) => identify(req.headers.authorization, req.socket),
  };
}

/** The bearer source: an `Authorization: Bearer` token from the OpenID Provider. */
import type { Identified } from '../identified.ts';
import { createBearerIdentifier } from './bearer-identity.ts';
import type { AppDeps } from '../../deps.ts';
import { REASONS } from '../../policy/reasons.ts';
import type { IdentitySource } from '../identity-source.ts';

const BEARER = /^bearer\s/i;

/** Creates the bearer source. */
export function createBearerSource(deps: AppDeps): IdentitySource {
  const identifyToken = createBearerIdentifier(deps);
  const named = (who: Identified): Identified => (who.state === 'identified' ? { ...who, source: 'bearer' } : who);
  return {
    name: 'bearer',
    explicit: true,
    missing: REASONS.bearerMissing,
    present: (req) => BEARER.test(req.headers.authorization ?? ''),
    identify(req) {
      const who = identifyToken(req);
      return who instanceof Promise ? who.then(named) : named(who);
    },
  };
}

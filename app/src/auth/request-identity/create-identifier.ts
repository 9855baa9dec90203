/** Picks the identity source of the configured provider (`GATEHOUSE_AUTH_PROVIDER`). */
import type { AppDeps } from '../../deps.ts';
import { createBearerIdentifier } from './bearer-identity.ts';
import type { RequestIdentifier } from './identified.ts';
import { createSessionIdentifier } from './session-identity.ts';
import { createTrustedHeaderIdentifier } from './trusted-identity.ts';

/** Creates the identifier for `deps.config.authProvider`. */
export function createRequestIdentifier(deps: AppDeps): RequestIdentifier {
  const { config } = deps;
  if (config.authProvider === 'authelia' && config.trustedHeaders) return createTrustedHeaderIdentifier(config.trustedHeaders);
  if (config.authProvider === 'oidc') return createBearerIdentifier(deps);
  return createSessionIdentifier(deps);
}

/**
 * The IdentityProvider of a deployment without an OpenID Provider (the authelia provider, where
 * identity comes from trusted headers). It is always ready, so readiness does not wait for a
 * discovery that will never happen; the sign-in routes are not mounted, so nothing calls the rest.
 */
import { AppError } from '../errors.ts';
import type { IdentityProvider } from './identity-provider.ts';

function unavailable(): never {
  throw new AppError('NOT_FOUND', 'no OpenID Provider is configured (GATEHOUSE_AUTH_PROVIDER=authelia)');
}

/** Creates the provider stand-in for deployments without an OpenID Provider. */
export function createNoIdentityProvider(): IdentityProvider {
  return {
    isReady: () => true,
    endpoints: () => undefined,
    authorizationUrl: unavailable,
    exchangeCode: async () => unavailable(),
    refresh: async () => unavailable(),
    fetchUserinfo: async () => unavailable(),
    verifyLogoutToken: async () => unavailable(),
    endSessionUrl: () => undefined,
    close: () => {},
  };
}

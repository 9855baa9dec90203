/**
 * Mix-up defence at the callback (RFC 9207; OAuth 2.0 Security BCP §4.4): with several providers
 * behind one redirect_uri, an authorization response must come from the provider the sign-in went
 * to, or a code meant for one could be sent to another's token endpoint. The sealed sign-in state
 * names the provider; the response's `iss` must then be that provider's issuer, and a provider
 * that advertises `authorization_response_iss_parameter_supported` must send it. Checked before
 * the code goes anywhere; openid-client repeats the check when it validates the response.
 */
import { AppError } from '../errors.ts';
import type { ProviderEndpoints } from './identity-provider.ts';

/**
 * Checks the callback's `iss` against the provider the sign-in went to.
 * @param endpoints - that provider's discovered metadata; undefined before discovery (the exchange then fails on its own)
 * @param iss - the `iss` of the authorization response, if any
 * @throws AppError LOGIN_PROVIDER_MISMATCH for another issuer, or none from a provider that sends it
 * @see https://www.rfc-editor.org/rfc/rfc9207#section-2.4
 */
export function checkAuthorizationIssuer(endpoints: ProviderEndpoints | undefined, iss: string | undefined): void {
  if (endpoints === undefined) return;
  const detail = 'This sign-in came back from a different identity provider than the one it was started with, so it was stopped. Please start again.';
  if (iss !== undefined && iss !== endpoints.issuer) {
    throw new AppError('LOGIN_PROVIDER_MISMATCH', `authorization response from issuer ${JSON.stringify(iss.slice(0, 200))}, expected ${endpoints.issuer}`, { detail });
  }
  if (iss === undefined && endpoints.issParameterSupported) {
    throw new AppError('LOGIN_PROVIDER_MISMATCH', `authorization response without iss from ${endpoints.issuer}, which sends it (RFC 9207)`, { detail });
  }
}

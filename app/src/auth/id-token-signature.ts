/**
 * The ID token's signature, checked with jose against the provider's key set even though the
 * token arrives over the token endpoint (openid-client has already checked its claims and its
 * alg). jose's key set takes a new key at once; openid-client's own cache refuses one for a
 * minute after each download, so a provider that rotates its signing key would otherwise fail
 * every sign-in and refresh for up to a minute.
 */
import { compactVerify, errors as joseErrors, type JWTVerifyGetKey } from 'jose';
import { AppError } from '../errors.ts';

/**
 * Checks `idToken`'s signature.
 * @param keys - the provider's key set; undefined when it publishes no jwks_uri
 * @param algorithms - the provider's id_token_signing_alg_values_supported, if it names them
 * @throws AppError LOGIN_TOKEN_INVALID for the token's fault, IDP_UNAVAILABLE when the key set cannot be fetched
 */
export async function verifyIdTokenSignature(idToken: string, keys: JWTVerifyGetKey | undefined, algorithms: string[] | undefined): Promise<void> {
  if (!keys) throw new AppError('LOGIN_TOKEN_INVALID', 'the provider publishes no jwks_uri to check the ID token with');
  try {
    await compactVerify(idToken, keys, algorithms ? { algorithms } : {});
  } catch (err) {
    // A key set that cannot be fetched is the provider's outage; anything else is the token.
    const tokenFault = err instanceof joseErrors.JOSEError && !(err instanceof joseErrors.JWKSTimeout);
    throw new AppError(tokenFault ? 'LOGIN_TOKEN_INVALID' : 'IDP_UNAVAILABLE', `ID token signature: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
}

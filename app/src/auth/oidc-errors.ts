/**
 * openid-client's failures sorted into gatehouse's error catalogue: the provider refusing the
 * code, an ID token or response that is not acceptable (the sign-in's fault, 403), or anything
 * else (the provider's, 502).
 */
import * as oidc from 'openid-client';
import { AppError } from '../errors.ts';

/** openid-client failures that mean the ID token or response was not acceptable, not that the provider was down. */
const VALIDATION_CODES = new Set([
  'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
  'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
  'OAUTH_KEY_SELECTION_FAILED',
  // Also raised for a bad JWS signature ("JWT signature verification failed").
  'OAUTH_INVALID_RESPONSE',
]);

/** Maps an openid-client failure during the code exchange to the error catalogue. */
export function translateExchangeError(err: unknown): AppError {
  if (err instanceof oidc.ResponseBodyError) {
    return new AppError('IDP_UNAVAILABLE', `token endpoint refused the code: ${err.error}`, {
      cause: err,
      detail: 'The identity provider did not accept the sign-in. Please try again.',
    });
  }
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && VALIDATION_CODES.has(code)) {
    return new AppError('LOGIN_TOKEN_INVALID', `ID token rejected: ${(err as Error).message}`, { cause: err });
  }
  return new AppError('IDP_UNAVAILABLE', `code exchange failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

/**
 * The callback of a sign-in the OpenID Provider ended with an error (`error=access_denied`, …):
 * what it said, shortened, for the person to read. The same whether gatehouse or Elasticsearch's
 * realm is the relying party: the provider answers the browser either way.
 */
import type { Request } from 'express';
import { AppError } from '../errors.ts';
import { firstQueryValue } from './query.ts';

const MAX_IDP_ERROR_TEXT = 300;

/** The LOGIN_IDP_ERROR of a callback carrying `error`, or undefined when it carries none. */
export function providerError(req: Request): AppError | undefined {
  const idpError = firstQueryValue(req, 'error');
  if (idpError === undefined) return undefined;
  const description = firstQueryValue(req, 'error_description') ?? '';
  return new AppError('LOGIN_IDP_ERROR', `provider returned error=${idpError.slice(0, 100)}`, {
    detail: `The identity provider answered: ${idpError.slice(0, 100)}${description ? ` — ${description}` : ''}`.slice(0, MAX_IDP_ERROR_TEXT),
  });
}

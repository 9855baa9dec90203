/**
 * GET /.well-known/jwks.json: the public keys of the signed identity assertions (RFC 7517 §5), for
 * upstreams verifying X-Gatehouse-Assertion. Served only while assertions are on. Caches may keep
 * it a minute; a verifier meeting an unknown key id fetches it again (jose's createRemoteJWKSet does).
 */
import type { Request, Response } from 'express';
import type { AssertionKeys } from '../assertion/assertion-keys.ts';

/** Creates the handler. */
export function createJwksRoute(keys: Pick<AssertionKeys, 'jwks'>): (req: Request, res: Response) => void {
  return (_req, res) => {
    res.set('Cache-Control', 'public, max-age=60').type('application/json').send(keys.jwks());
  };
}

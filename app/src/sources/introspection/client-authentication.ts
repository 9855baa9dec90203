/**
 * How gatehouse authenticates to an introspection endpoint (RFC 7662 §2.1): `client_secret_basic`
 * (RFC 6749 §2.3.1: the form-encoded id and secret as HTTP Basic), `client_secret_post` (both in
 * the body), or `private_key_jwt` (RFC 7523 §2.2: a short-lived JWT signed with gatehouse's key,
 * `iss` and `sub` the client id, `aud` the issuer, a fresh `jti` each time so the issuer's replay
 * check accepts it). The key is imported once, at start-up.
 */
import { randomUUID } from 'node:crypto';
import { createPrivateKey } from 'node:crypto';
import { SignJWT } from 'jose';
import type { IntrospectionSettings } from '../../config/bearer-settings.ts';

/** Adds gatehouse's credentials to an introspection request. */
export type Authenticate = (form: URLSearchParams, headers: Record<string, string>) => Promise<void>;

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ASSERTION_LIFETIME_SEC = 60;

/** RFC 6749 Appendix B: each part form-encoded before it is joined and base64-encoded. */
function formEncode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, '+');
}

/**
 * The authenticator for `settings`.
 * @param issuer - the audience of a private_key_jwt assertion
 */
export function createAuthenticator(settings: IntrospectionSettings, issuer: string): Authenticate {
  const { auth, clientId } = settings;
  switch (auth.method) {
    case 'client_secret_basic': {
      const basic = `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(auth.secret)}`).toString('base64')}`;
      return async (_form, headers) => {
        headers.authorization = basic;
      };
    }
    case 'client_secret_post':
      return async (form) => {
        form.set('client_id', clientId);
        form.set('client_secret', auth.secret);
      };
    case 'private_key_jwt': {
      const text = auth.privateKey;
      // Checked at start-up: one of PEM (PKCS#8) or JWK.
      const key = text.trimStart().startsWith('{') ? createPrivateKey({ key: JSON.parse(text) as import('node:crypto').JsonWebKey, format: 'jwk' }) : createPrivateKey(text);
      return async (form) => {
        const assertion = await new SignJWT({})
          .setProtectedHeader({ alg: auth.alg, ...(auth.kid && { kid: auth.kid }) })
          .setIssuer(clientId)
          .setSubject(clientId)
          .setAudience(issuer)
          .setJti(randomUUID())
          .setIssuedAt()
          .setExpirationTime(`${ASSERTION_LIFETIME_SEC}s`)
          .sign(key);
        form.set('client_id', clientId);
        form.set('client_assertion_type', ASSERTION_TYPE);
        form.set('client_assertion', assertion);
      };
    }
  }
}

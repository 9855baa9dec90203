/**
 * A deliberately misbehaving OpenID Provider for tests: discovery, JWKS and a token endpoint whose
 * ID token is built by the test (wrong signature, issuer, audience, expiry or nonce). The real test
 * provider never issues such tokens, so this is the only way to prove they are refused.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

/** How the next ID token is made; `claims` gets the request's nonce. */
export type TokenRecipe = (ctx: { issuer: string; nonce: string }) => { claims: JWTPayload; signWithForeignKey?: boolean };

/** A running rogue provider. */
export interface RogueIdp {
  readonly issuer: string;
  /** Sets what the token endpoint answers next. */
  setRecipe(recipe: TokenRecipe): void;
  /** Tells the token endpoint which nonce the pending sign-in used. */
  setNonce(nonce: string): void;
  /** Makes the token endpoint wait this long before answering. */
  setTokenDelay(ms: number): void;
  /** Signs a JWT with the provider's key (or a foreign one), e.g. a logout token. */
  sign(claims: JWTPayload, options?: { foreignKey?: boolean; typ?: string }): Promise<string>;
  close(): Promise<void>;
}

/** Starts the rogue provider on loopback. */
export async function startRogueIdp(clientId: string): Promise<RogueIdp> {
  const trusted = await generateKeyPair('RS256');
  const foreign = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(trusted.publicKey)), kid: 'trusted', alg: 'RS256', use: 'sig' };
  let recipe: TokenRecipe = () => ({ claims: {} });
  let nonce = '';
  let tokenDelayMs = 0;
  const server: Server = createServer((req, res) => {
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const json = (body: unknown): void => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
      });
    } else if (req.url === '/jwks') {
      json({ keys: [jwk] });
    } else if (req.url === '/token' && req.method === 'POST') {
      req.resume();
      req.on('end', async () => {
        if (tokenDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, tokenDelayMs));
        const { claims, signWithForeignKey } = recipe({ issuer, nonce });
        const now = Math.floor(Date.now() / 1000);
        new SignJWT({ sub: 'rogue', aud: clientId, iss: issuer, iat: now, exp: now + 300, nonce, ...claims })
          .setProtectedHeader({ alg: 'RS256', kid: 'trusted' })
          .sign(signWithForeignKey ? foreign.privateKey : trusted.privateKey)
          .then((idToken) => json({ access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token: idToken }));
      });
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setRecipe: (next) => void (recipe = next),
    setNonce: (value) => void (nonce = value),
    setTokenDelay: (ms) => void (tokenDelayMs = ms),
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'trusted', ...(options.typ ? { typ: options.typ } : {}) })
        .sign(options.foreignKey ? foreign.privateKey : trusted.privateKey),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

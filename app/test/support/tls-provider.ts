/**
 * An OpenID Provider over HTTPS for the outbound tests: discovery and a JWKS served with a
 * certificate from a private CA (see e2e/support/tls-certificates.ts), and Bearer tokens signed
 * with its key. It counts the calls that got through TLS, so a test can tell a refused handshake
 * from a refused request.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

/** A running provider. */
export interface TlsProvider {
  /** https://127.0.0.1:<port> */
  readonly issuer: string;
  readonly port: number;
  /** Its own JWKS, whatever its discovery document names. */
  readonly jwksUri: string;
  readonly calls: { discovery: number; jwks: number };
  /** A JWT for `audience`, valid for five minutes, signed with the provider's key. */
  token(audience: string, claims?: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

/** Options of {@link startTlsProvider}. */
export interface TlsProviderOptions {
  readonly cert: string;
  readonly key: string;
  /** The jwks_uri the discovery document names; its own /jwks by default. */
  readonly jwksUri?: string;
}

/** Starts the provider on a free loopback port. */
export async function startTlsProvider(options: TlsProviderOptions): Promise<TlsProvider> {
  const { privateKey, publicKey }: { privateKey: CryptoKey; publicKey: CryptoKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'tls-provider', alg: 'RS256', use: 'sig' };
  const calls = { discovery: 0, jwks: 0 };
  let issuer = '';
  const server: Server = createServer({ cert: options.cert, key: options.key }, (req, res) => {
    const json = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/.well-known/openid-configuration') {
      calls.discovery++;
      json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: options.jwksUri ?? `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      });
    } else if (req.url === '/jwks') {
      calls.jwks++;
      json({ keys: [jwk] });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  issuer = `https://127.0.0.1:${port}`;
  return {
    issuer,
    port,
    jwksUri: `${issuer}/jwks`,
    calls,
    token: (audience, claims = {}) =>
      new SignJWT({ sub: 'tls-tom', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'tls-provider' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

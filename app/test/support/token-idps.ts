/**
 * Two real OpenID Providers (oidc-provider, as the test IdP) issuing machine tokens, for the tests
 * of tokens from several issuers and of introspection: "staff" (the organisation's own provider:
 * a CI job's client, gatehouse's introspection clients by client_secret_basic, client_secret_post
 * and private_key_jwt, a JWT API, an opaque API and another API) and "partner" (a second issuer
 * with its own keys and a deploy client). Also a trap: a loopback listener that counts every
 * request, for URLs a forged token names and gatehouse must never fetch.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { clientCredentialsToken } from '../../../e2e/idp/client-credentials.ts';
import { startTestIdp, type TestIdp } from '../../../e2e/idp/test-idp.ts';
import { httpRequest } from '../../../e2e/support/http-client.ts';

/** The API gatehouse protects: the audience of the tokens it accepts. */
export const API = 'https://api.example.test';
/** An API whose tokens are opaque (introspection only). */
export const OPAQUE_API = 'https://opaque-api.example.test';
/** Another API: its tokens must not open this one. */
export const OTHER_API = 'https://other-api.example.test';
const SCOPES = 'api:read api:write';

/** The running providers and their clients' secrets. */
export interface TokenIdps {
  readonly staff: TestIdp;
  readonly partner: TestIdp;
  /** gatehouse's introspection client at staff (client_secret_basic, and the same secret for client_secret_post). */
  readonly introspectionSecret: string;
  /** The PEM private key of gatehouse's private_key_jwt client at staff. */
  readonly introspectionKeyPem: string;
  /** A CI job's token from staff for `resource`. */
  ciToken(resource?: string, scope?: string): Promise<string>;
  /** A deploy job's token from partner for the API. */
  deployToken(scope?: string): Promise<string>;
  /** Revokes a CI job's token at staff (RFC 7009), as the job would; resolves with the status. */
  revokeCiToken(token: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts both providers.
 * @param partnerTtlSeconds - the lifetime of partner's tokens (short to test expiry)
 */
export async function startTokenIdps(partnerTtlSeconds = 300): Promise<TokenIdps> {
  const ciSecret = randomBytes(16).toString('hex');
  const deploySecret = randomBytes(16).toString('hex');
  const introspectionSecret = randomBytes(16).toString('hex');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const machine = { redirectUris: [], grantTypes: ['client_credentials'] };
  const staff = await startTestIdp({
    clients: [
      { clientId: 'ci-job', clientSecret: ciSecret, ...machine },
      { clientId: 'gatehouse-introspector', clientSecret: introspectionSecret, ...machine },
      { clientId: 'gatehouse-introspector-post', clientSecret: introspectionSecret, ...machine, tokenEndpointAuthMethod: 'client_secret_post' },
      {
        clientId: 'gatehouse-introspector-jwt',
        clientSecret: randomBytes(16).toString('hex'),
        ...machine,
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'gatehouse-1', alg: 'ES256', use: 'sig' }] },
      },
    ],
    resourceServers: [
      { indicator: API, scope: SCOPES, format: 'jwt' },
      { indicator: OPAQUE_API, scope: SCOPES, format: 'opaque' },
      { indicator: OTHER_API, scope: SCOPES, format: 'jwt' },
    ],
  });
  const partner = await startTestIdp({
    accessTokenTtlSeconds: partnerTtlSeconds,
    clients: [{ clientId: 'deployer', clientSecret: deploySecret, ...machine }],
    resourceServers: [{ indicator: API, scope: 'deploy', format: 'jwt' }],
  });
  return {
    staff,
    partner,
    introspectionSecret,
    introspectionKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string,
    ciToken: (resource = API, scope = 'api:read') => clientCredentialsToken(staff.issuer, { clientId: 'ci-job', clientSecret: ciSecret, resource, scope }),
    async revokeCiToken(token) {
      const res = await httpRequest(`${staff.issuer}/token/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`ci-job:${ciSecret}`).toString('base64')}` },
        body: new URLSearchParams({ token }).toString(),
      });
      return res.status;
    },
    deployToken: (scope = 'deploy') => clientCredentialsToken(partner.issuer, { clientId: 'deployer', clientSecret: deploySecret, resource: API, scope }),
    async close() {
      await staff.close();
      await partner.close();
    },
  };
}

/** A listener that must never be called. */
export interface Trap {
  readonly url: string;
  /** Requests it received. */
  readonly hits: () => number;
  close(): Promise<void>;
}

/** Starts a trap on a free loopback port. */
export async function startTrap(): Promise<Trap> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

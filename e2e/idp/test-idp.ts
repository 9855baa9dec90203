import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { DEMO_USERS } from './demo-users.ts';
import type { DemoUser } from './demo-users.ts';
import { handleInteraction, isInteractionPath } from './interactions.ts';
import { buildProviderConfiguration } from './provider-config.ts';
import type { TestIdpClient } from './provider-config.ts';
import type { ResourceServer } from './resource-servers.ts';

export { DEMO_USERS } from './demo-users.ts';
export type { DemoUser } from './demo-users.ts';
export type { TestIdpClient } from './provider-config.ts';
export type { ResourceServer } from './resource-servers.ts';

/** Options of {@link startTestIdp}. */
export interface StartTestIdpOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: '127.0.0.1';
  clients: TestIdpClient[];
  /** Defaults to {@link DEMO_USERS}. */
  users?: readonly DemoUser[];
  /** Lifetime of access and ID tokens; default 300 s. */
  accessTokenTtlSeconds?: number;
  /** The APIs machine clients ask tokens for with `resource=` (client credentials grant). */
  resourceServers?: readonly ResourceServer[];
}

/** Token endpoint requests seen so far, failed ones included. */
export interface TestIdpCounters {
  tokenRequests: number;
  /** Key set, discovery and introspection requests: what a resource server costs the IdP. */
  jwksRequests: number;
  discoveryRequests: number;
  introspectionRequests: number;
  authorizationCodeGrants: number;
  refreshGrants: number;
}

/** A running test OpenID Provider. */
export interface TestIdp {
  /** `http://127.0.0.1:<port>`, also the base of every endpoint. */
  issuer: string;
  port: number;
  counters: TestIdpCounters;
  /** While `down` is true every request is answered 503, as from an IdP that is out of service. */
  setDown(down: boolean): void;
  /** Closes the listener and cuts every connection, as when the provider's pods are gone. */
  stopListening(): Promise<void>;
  /** Listens again on the same port after {@link TestIdp.stopListening}; sessions and grants are kept. */
  listen(): Promise<void>;
  /**
   * Signs with a new key from now on, listed first in the JWKS; the old keys stay listed for the
   * tokens already issued, and sessions and grants are kept. Returns the new key's kid.
   */
  rotateSigningKey(): string;
  close(): Promise<void>;
}

/**
 * Starts a real OpenID Provider (oidc-provider v9) with its own login form, PKCE (S256)
 * required, refresh tokens, RP-initiated and back-channel logout.
 */
export async function startTestIdp(options: StartTestIdpOptions): Promise<TestIdp> {
  const host = options.host ?? '127.0.0.1';
  const users = options.users ?? DEMO_USERS;
  // Bound before the provider exists, so that port 0 works and the issuer names the real port.
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('test IdP has no port');
  const issuer = `http://${host}:${address.port}`;

  const newSigningKey = (kid: string) => ({ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' });
  const signingKey = newSigningKey('test-idp-rs256');
  const signingKeys = [signingKey];
  const configuration = buildProviderConfiguration({
    clients: options.clients,
    users,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 300,
    signingKey,
    ...(options.resourceServers && { resourceServers: options.resourceServers }),
  });

  const counters: TestIdpCounters = { tokenRequests: 0, authorizationCodeGrants: 0, refreshGrants: 0, jwksRequests: 0, discoveryRequests: 0, introspectionRequests: 0 };
  // Both events fire before the response is written, so a client never sees a stale count.
  const countGrant = (ctx: KoaContextWithOIDC): void => {
    const grantType = ctx.oidc.params?.['grant_type'];
    if (grantType === 'authorization_code') counters.authorizationCodeGrants++;
    if (grantType === 'refresh_token') counters.refreshGrants++;
  };
  const counting = (created: Provider): Provider => {
    created.on('grant.success', countGrant);
    created.on('grant.error', countGrant);
    return created;
  };
  let provider = counting(new Provider(issuer, configuration));
  let callback = provider.callback();
  let down = false;
  server.on('request', (req, res) => {
    if (down) {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' });
      res.end('test IdP is down\n');
      return;
    }
    const path = new URL(req.url ?? '/', issuer).pathname;
    if (req.method === 'POST' && path === '/token') counters.tokenRequests++;
    if (path === '/jwks') counters.jwksRequests++;
    if (path === '/.well-known/openid-configuration') counters.discoveryRequests++;
    if (path === '/token/introspection') counters.introspectionRequests++;
    if (isInteractionPath(path)) {
      void handleInteraction(provider, users, req, res);
    } else {
      callback(req, res);
    }
  });

  return {
    issuer,
    port: address.port,
    counters,
    setDown: (value) => {
      down = value;
    },
    stopListening: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    listen: () =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(address.port, host, () => resolve());
      }),
    rotateSigningKey() {
      const next = newSigningKey(`test-idp-rs256-${signingKeys.length + 1}`);
      signingKeys.unshift(next);
      // The same adapter and cookie keys: a new Provider over the same state, signing with the new key.
      provider = counting(new Provider(issuer, { ...configuration, jwks: { keys: [...signingKeys] } }));
      callback = provider.callback();
      return next.kid;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * OpenID Provider discovery in the background: tried at once and, while it fails, again after
 * 0.5 s, 1 s, 2 s … up to 30 s, each failure logged with its cause (readiness waits for it).
 * What it finds is the openid-client Configuration, whose later calls go through the provider's
 * dispatcher named by the endpoint they call, and the provider's key sets.
 */
import type { JWTVerifyGetKey } from 'jose';
import * as oidc from 'openid-client';
import type { OidcSettings } from '../config/config.ts';
import { describeFailure } from '../http/outbound/failure-cause.ts';
import { loggableUrl } from '../http/outbound/loggable-url.ts';
import type { ProviderOutbound } from '../http/outbound/create-outbound.ts';
import type { Logger } from '../observability/logger.ts';
import { remoteJwks } from './logout-token.ts';
import type { TimedIdpCall } from './timed-idp-call.ts';

const MAX_RETRY_DELAY_MS = 30_000;

/** What discovery found. */
export interface DiscoveredProvider {
  readonly configuration: oidc.Configuration;
  /**
   * The key set logout tokens are checked with. Anyone can post a logout token, so an unknown kid
   * fetches the set again only after a pause.
   */
  readonly logoutTokenKeys: JWTVerifyGetKey | undefined;
  /** The key set ID tokens are checked with: they come from the token endpoint, so an unknown kid always fetches again. */
  readonly idTokenKeys: JWTVerifyGetKey | undefined;
}

/** Discovery under way or done. */
export interface ProviderDiscovery {
  /** What was found, or undefined while discovery has not succeeded. */
  current(): DiscoveredProvider | undefined;
  /** Stops retrying. */
  close(): void;
}

/** Where openid-client looks for the discovery document (OpenID Connect Discovery 1.0 §4). */
function discoveryUrl(issuer: URL): string {
  return `${issuer.href.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

/** Starts discovering the provider of `settings`. */
export function startDiscovery(settings: OidcSettings, deps: { readonly logger: Logger; readonly outbound: ProviderOutbound; readonly timed: TimedIdpCall }): ProviderDiscovery {
  const { logger, outbound, timed } = deps;
  let found: DiscoveredProvider | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let closed = false;
  const timeoutSeconds = Math.max(1, Math.ceil(settings.timeoutMs / 1000));
  const discoveryFetch = outbound.fetch('discovery');
  const discoveryTarget = loggableUrl(discoveryUrl(settings.issuerUrl));

  const discover = async (attempt: number): Promise<void> => {
    try {
      const configuration = await timed('discovery', () =>
        oidc.discovery(
          settings.issuerUrl,
          settings.clientId,
          undefined,
          // Bearer-token validation needs no client authentication; sign-in always has a secret.
          settings.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(settings.clientSecret),
          {
            timeout: timeoutSeconds,
            execute: settings.allowInsecureHttp ? [oidc.allowInsecureRequests] : [],
            [oidc.customFetch]: discoveryFetch,
          },
        ),
      );
      const metadata = configuration.serverMetadata();
      // Later calls share the Configuration's fetch; the URL tells the log which call it was.
      configuration[oidc.customFetch] = outbound.fetch((url) =>
        url === metadata.userinfo_endpoint ? 'userinfo' : url === metadata.jwks_uri ? 'jwks' : 'token',
      );
      const jwksUri = metadata.jwks_uri;
      found = {
        configuration,
        logoutTokenKeys: jwksUri ? remoteJwks(jwksUri, settings.timeoutMs, outbound.fetch('jwks')) : undefined,
        idTokenKeys: jwksUri ? remoteJwks(jwksUri, settings.timeoutMs, outbound.fetch('jwks'), 0) : undefined,
      };
      logger.info({ issuer: metadata.issuer }, 'OpenID Provider discovery loaded');
    } catch (err) {
      if (closed) return;
      const delay = Math.min(MAX_RETRY_DELAY_MS, 500 * 2 ** attempt);
      const { cause, code } = describeFailure(err);
      logger.warn({ url: discoveryTarget, cause, ...(code && { code }), retryInMs: delay }, 'OpenID Provider discovery failed');
      retryTimer = setTimeout(() => void discover(attempt + 1), delay);
      retryTimer.unref();
    }
  };
  void discover(0);

  return {
    current: () => found,
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
    },
  };
}

/**
 * Builds the provider set at start-up: the GATEHOUSE_OIDC_* client already made, and one
 * openid-client per listed provider, each discovering in the background through its own
 * dispatcher of the outbound stack (its CA bundle, timeouts, the egress proxy).
 */
import type { Config } from '../config/config.ts';
import type { Outbound } from '../http/outbound/create-outbound.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { IdentityProvider } from './identity-provider.ts';
import { createOidcClient } from './oidc-client.ts';
import { createProviderSet, type ProviderSet } from './provider-set.ts';

/** What the clients are built with. */
export interface ProviderParts {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly outbound: Outbound;
}

/**
 * Creates every provider's client and the set over them.
 * @param idp - the GATEHOUSE_OIDC_* provider's client (or the stand-in without one)
 */
export function createProviders(config: Pick<Config, 'oidc' | 'login' | 'providers'>, idp: IdentityProvider, parts: ProviderParts): ProviderSet {
  const listed = config.providers.map((provider) => {
    const outbound = parts.outbound.providers.get(provider.id);
    if (!outbound) throw new Error(`no outbound dispatcher for provider ${provider.id}`);
    // Each sign-in names its redirect_uri; without GATEHOUSE_REDIRECT_URL it is derived per host.
    const client = createOidcClient(provider.oidc, config.login?.redirectUrl, parts.logger.child({ provider: provider.id }), parts.metrics, outbound);
    return { id: provider.id, name: provider.name, hosts: provider.hosts, idp: client };
  });
  // The default provider signs browsers in when it is a relying party with a secret.
  const signsIn = config.login !== undefined && config.oidc?.clientSecret !== undefined;
  const name = config.oidc ? config.oidc.issuerUrl.host : 'default';
  return createProviderSet({ idp, signsIn, name }, listed);
}

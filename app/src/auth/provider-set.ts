/**
 * Every OpenID Provider browsers can sign in with: the GATEHOUSE_OIDC_* one (id `default`) and
 * those the config file lists, each an IdentityProvider with its own discovery, client and
 * dispatcher. A session names the provider it signed in with, and refresh, sign-out and
 * back-channel logout go to that provider only: a refresh token is never sent to another one.
 */
import { DEFAULT_PROVIDER_ID } from '../config/providers-section.ts';
import { isAllowedHost } from './redirect.ts';
import { RefreshRejectedError, type IdentityProvider } from './identity-provider.ts';

/** One provider browsers can sign in with. */
export interface SignInProvider {
  /** `default` for the GATEHOUSE_OIDC_* provider, else the listed id. */
  readonly id: string;
  /** What the chooser page calls it. */
  readonly name: string;
  /** The hosts whose sign-ins go to it without asking. */
  readonly hosts: readonly string[];
  readonly idp: IdentityProvider;
}

/** The providers of this deployment. */
export interface ProviderSet {
  /** The providers browsers can sign in with, the default one first; [] without browser sign-in. */
  readonly signIn: readonly SignInProvider[];
  /** The provider with this id, for a sign-in. */
  byId(id: string): SignInProvider | undefined;
  /** The provider whose `hosts` cover `host`. */
  forHost(host: string): SignInProvider | undefined;
  /**
   * The provider a session signed in with (its identity's `provider`; undefined: the default). A
   * provider no longer configured refuses everything, so its sessions end at their next refresh.
   */
  of(provider: string | undefined): IdentityProvider;
}

/** The listed providers as built at start-up. */
export interface BuiltProvider {
  readonly id: string;
  readonly name: string;
  readonly hosts: readonly string[];
  readonly idp: IdentityProvider;
}

/** Stands for a provider the configuration no longer lists. */
function goneProvider(id: string): IdentityProvider {
  const gone = (): never => {
    throw new Error(`provider "${id}" is no longer configured`);
  };
  return {
    isReady: () => false,
    endpoints: () => undefined,
    authorizationUrl: gone,
    exchangeCode: async () => gone(),
    refresh: async () => {
      throw new RefreshRejectedError(`provider "${id}" is no longer configured`);
    },
    fetchUserinfo: async () => gone(),
    verifyLogoutToken: async () => gone(),
    endSessionUrl: () => undefined,
    close: () => {},
  };
}

/**
 * Creates the set.
 * @param defaultProvider - the GATEHOUSE_OIDC_* provider and whether browsers sign in with it
 * @param listed - the config file's providers, each with its client already started
 */
export function createProviderSet(
  defaultProvider: { readonly idp: IdentityProvider; readonly signsIn: boolean; readonly name: string },
  listed: readonly BuiltProvider[],
): ProviderSet {
  const signIn: SignInProvider[] = [];
  if (defaultProvider.signsIn) signIn.push(Object.freeze({ id: DEFAULT_PROVIDER_ID, name: defaultProvider.name, hosts: [], idp: defaultProvider.idp }));
  for (const provider of listed) signIn.push(Object.freeze({ ...provider }));
  const byId = new Map(signIn.map((provider) => [provider.id, provider]));
  const gone = new Map<string, IdentityProvider>();
  return Object.freeze({
    signIn: Object.freeze(signIn),
    byId: (id: string) => byId.get(id),
    forHost: (host: string) => listed.find((provider) => isAllowedHost(host, provider.hosts)),
    of(provider: string | undefined): IdentityProvider {
      if (provider === undefined || provider === DEFAULT_PROVIDER_ID) return defaultProvider.idp;
      const found = byId.get(provider)?.idp;
      if (found) return found;
      let stand = gone.get(provider);
      if (!stand) gone.set(provider, (stand = goneProvider(provider)));
      return stand;
    },
  });
}

/** The set of a deployment with the one GATEHOUSE_OIDC_* provider, for parts built without the listed ones. */
export function singleProviderSet(idp: IdentityProvider, signsIn: boolean): ProviderSet {
  return createProviderSet({ idp, signsIn, name: 'default' }, []);
}

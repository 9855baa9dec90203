/**
 * Which provider a sign-in goes to: the one `provider=<id>` names (the auth-signin URL of a
 * route, or a link of the chooser page); else the one whose `hosts` cover the app's host (the rd's
 * host, else the host /oauth2/start was reached through); else the only one; else nobody yet, and
 * the person is asked on the chooser page.
 */
import { AppError } from '../errors.ts';
import type { ProviderSet, SignInProvider } from './provider-set.ts';

/** The outcome of choosing. */
export type ProviderChoice = { readonly kind: 'chosen'; readonly provider: SignInProvider } | { readonly kind: 'ask' };

/** The host of an absolute rd, lower-cased without the port; undefined for a relative one. */
export function hostOfRedirect(rd: string): string | undefined {
  if (rd.startsWith('/')) return undefined;
  try {
    return new URL(rd).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Chooses the provider of a sign-in.
 * @param named - the `provider` query value, if any
 * @param hosts - the hosts to match `hosts` against, most specific first
 * @throws AppError BAD_REQUEST when `named` is not a provider of this deployment
 */
export function chooseProvider(providers: ProviderSet, named: string | undefined, hosts: ReadonlyArray<string | undefined>): ProviderChoice {
  if (named !== undefined) {
    const provider = providers.byId(named);
    if (provider) return { kind: 'chosen', provider };
    throw new AppError('BAD_REQUEST', `sign-in names an unknown provider: ${JSON.stringify(named.slice(0, 64))}`, {
      detail: 'The sign-in link names an identity provider this service does not know. Use the link of the application you want to reach, or choose a provider on the sign-in page.',
    });
  }
  for (const host of hosts) {
    const provider = host === undefined ? undefined : providers.forHost(host.replace(/:\d+$/, ''));
    if (provider) return { kind: 'chosen', provider };
  }
  const only = providers.signIn.length === 1 ? providers.signIn[0] : undefined;
  return only ? { kind: 'chosen', provider: only } : { kind: 'ask' };
}

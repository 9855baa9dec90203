/**
 * The chooser page of /oauth2/start when several providers could sign the person in and neither
 * the route nor the host chose one: a list of links, each starting the sign-in with one provider
 * and the same rd. Plain links, so it works without scripts under the pages' strict CSP.
 */
import { escapeHtml, paragraph, renderDocument } from '../http/html-page.ts';
import { ROUTES } from '../http/routes.ts';
import type { SignInProvider } from '../auth/provider-set.ts';

/** The sign-in link of one provider, keeping the rd. */
export function providerStartUrl(id: string, rd: string): string {
  return `${ROUTES.start}?provider=${encodeURIComponent(id)}&rd=${encodeURIComponent(rd)}`;
}

/** Renders the chooser; every name and address is escaped. */
export function renderProviderChooser(providers: readonly SignInProvider[], rd: string, requestId: string | undefined): string {
  const items = providers.map(
    (provider) =>
      `<li><a id="provider-${escapeHtml(provider.id)}" href="${escapeHtml(providerStartUrl(provider.id, rd))}">${escapeHtml(provider.name)}</a></li>`,
  );
  return renderDocument({
    title: 'Choose how to sign in',
    body: `${paragraph('Sign in with the account your organisation gave you:')}\n<ul>\n${items.join('\n')}\n</ul>`,
    links: [],
    requestId,
  });
}

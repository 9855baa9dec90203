/**
 * The relying-party half of the stand-in's authenticate API (not Elasticsearch), as Elastic's
 * OpenIdConnectAuthenticator does it: the state in the redirect must equal the facilitator's
 * `state` (validateState), and the code is exchanged at the token endpoint with
 * client_secret_basic and the realm's own rp.redirect_uri — without PKCE, which Elasticsearch
 * does not send (elastic/elasticsearch#54582) — the ID token validated, nonce included.
 */
import * as client from 'openid-client';
import type { StandInOidcRealm } from './oidc-realm-settings.ts';

/** What the exchange brings back. */
export interface ExchangedCode {
  readonly claims: Record<string, unknown>;
  readonly idToken: string;
}

/**
 * Exchanges the code of `redirectUri` (the callback URL the facilitator received).
 * @throws Error saying what failed, worded as the realm logs it where it can be (see {@link failureOf})
 */
export async function exchangeCode(config: client.Configuration, realm: StandInOidcRealm, redirectUri: string, state: string, nonce: string): Promise<ExchangedCode> {
  const given = new URL(redirectUri);
  if (given.searchParams.has('error')) throw new Error(`OpenID Connect Provider response indicates authentication failure Code=[${given.searchParams.get('error')}]`);
  const returned = given.searchParams.get('state');
  if (returned === null) throw new Error('Failed to validate the response, the response did not contain a state parameter');
  if (returned !== state) throw new Error(`Invalid state parameter [${returned}], while [${state}] was expected`);
  // The code goes to the token endpoint with the realm's own rp.redirect_uri, whatever URL the facilitator sent.
  const current = new URL(realm.redirectUri);
  current.search = given.search;
  const tokens = await client.authorizationCodeGrant(config, current, { expectedState: state, expectedNonce: nonce, idTokenExpected: true });
  return { claims: tokens.claims() as Record<string, unknown>, idToken: tokens.id_token as string };
}

/** Why a sign-in failed, worded as Elasticsearch's realm logs it where it can be. */
export function failureOf(err: unknown): string {
  const { error, error_description: description } = err as { error?: unknown; error_description?: unknown };
  // A token endpoint refusal, as OpenIdConnectAuthenticator words it.
  if (typeof error === 'string') return `Failed to exchange code for Id Token. Code=[${error}], Description=[${String(description)}]`;
  // openid-client says which check failed (the nonce claim, the issuer…) in the cause.
  const cause = (err as Error).cause;
  return `${(err as Error).message}${cause instanceof Error ? `: ${cause.message}` : ''}`;
}

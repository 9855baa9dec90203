/**
 * Which of the provider's tokens a session keeps after sign-in: what something later reads, and
 * nothing more, since every session costs its tokens in Redis and in each replica's local copies
 * (an access token from Entra ID is often 2 KB, more than the rest of the session). The ID token is
 * kept (RP-initiated logout's id_token_hint, and the Authorization header when it carries the ID
 * token), the refresh token is kept (refresh), and the access token only when the Authorization or
 * X-Auth-Request-Access-Token header sends it upstream, or the session signed in through
 * Elasticsearch's realm, whose backend and sign-out use it. Its expiry is kept either way: refresh
 * follows it, so a session is still refreshed (and ended when the provider refuses) on schedule.
 */
import type { Config } from '../config/config.ts';
import type { SessionTokens } from './session-record.ts';

/** True when the configured upstream headers send the access token. */
export function keepsAccessToken(config: Pick<Config, 'upstreamHeaders'>): boolean {
  return config.upstreamHeaders.authorization === 'access_token' || config.upstreamHeaders.accessToken;
}

/** `tokens` as a session keeps them: without the access token unless `keepAccessToken`. */
export function keptTokens(tokens: SessionTokens, keepAccessToken: boolean): SessionTokens {
  return keepAccessToken || tokens.accessToken === undefined ? tokens : { ...tokens, accessToken: undefined };
}

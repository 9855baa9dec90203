/**
 * The token service of the Elasticsearch stand-in (not Elasticsearch): the access and refresh
 * tokens Elasticsearch's token service issues when an OpenID Connect sign-in completes, and the
 * answers its APIs give about them, as Elastic documents them:
 * - the get token API (https://www.elastic.co/guide/en/elasticsearch/reference/current/security-api-get-token.html):
 *   `grant_type=refresh_token` "will return a new token and refresh token. Each refresh token may
 *   only be used one time"; refused grants answer 400 `{"error":"invalid_grant",
 *   "error_description":…}` (RFC 6749 §5.2, RestGetTokenAction), with the descriptions of
 *   TokenService ("could not refresh the requested token", "token has already been refreshed",
 *   "tokens must be refreshed by the creating client");
 * - a Bearer access token that expired or was invalidated answers 401 "token expired" with
 *   `WWW-Authenticate: Bearer … error="invalid_token"` (TokenService, RFC 6750 §3.1).
 * Refresh tokens live 24 hours, as the get token page says; access tokens `expires_in` seconds
 * (`xpack.security.authc.token.timeout`, 20 minutes unless the test asks for less). The 30-second
 * window in which Elasticsearch hands a refresh token's first result to a second caller is not
 * reproduced: a second use is refused, which is what a facilitator must never need.
 */
import { randomBytes } from 'node:crypto';
import { errorBody } from './responses.ts';
import type { Answer } from './user-api.ts';
import type { StandInUser } from './user-table.ts';

const REFRESH_LIFETIME_MS = 24 * 3_600_000;

/** The header an expired or invalidated access token is answered with (TokenService). */
export const EXPIRED_TOKEN_WWW_AUTHENTICATE = 'Bearer realm="security", error="invalid_token", error_description="The access token expired"';
const MALFORMED_TOKEN_WWW_AUTHENTICATE = 'Bearer realm="security", error="invalid_token", error_description="The access token is malformed"';

/** Who a token was issued to. */
export interface TokenOwner {
  readonly user: StandInUser;
  readonly realm: { readonly name: string; readonly type: string };
  /** The provider's ID token, the id_token_hint of a single logout. */
  readonly idToken: string;
  /** The user that asked for the tokens (the facilitator): only it may refresh them. */
  readonly client: string;
}

interface AccessEntry {
  readonly owner: TokenOwner;
  readonly expiresAt: number;
  invalidated: boolean;
}

interface RefreshEntry {
  readonly owner: TokenOwner;
  readonly expiresAt: number;
  used: boolean;
  invalidated: boolean;
}

/** A token pair as the APIs answer it (before the per-API fields are added). */
export interface IssuedTokens {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly expires_in: number;
}

const invalidGrant = (description: string): Answer => ({ status: 400, body: { error: 'invalid_grant', error_description: description } });

/** The `authentication` object of the APIs (the shape of `_security/_authenticate`). */
export function authenticationOf(owner: TokenOwner, type: 'realm' | 'token'): Record<string, unknown> {
  return { ...owner.user, authentication_realm: owner.realm, lookup_realm: owner.realm, authentication_type: type };
}

/** Issues, checks, refreshes and invalidates tokens. */
export class TokenService {
  readonly #access = new Map<string, AccessEntry>();
  readonly #refresh = new Map<string, RefreshEntry>();
  readonly #lifetimeSeconds: number;

  /** @param lifetimeSeconds - `xpack.security.authc.token.timeout` */
  constructor(lifetimeSeconds: number) {
    this.#lifetimeSeconds = lifetimeSeconds;
  }

  /** A new pair for `owner`. */
  issue(owner: TokenOwner): IssuedTokens {
    // Elasticsearch's access tokens are long base64 strings, its refresh tokens shorter ones.
    const access = randomBytes(48).toString('base64');
    const refresh = randomBytes(15).toString('base64url');
    this.#access.set(access, { owner, expiresAt: Date.now() + this.#lifetimeSeconds * 1000, invalidated: false });
    this.#refresh.set(refresh, { owner, expiresAt: Date.now() + REFRESH_LIFETIME_MS, used: false, invalidated: false });
    return { access_token: access, refresh_token: refresh, expires_in: this.#lifetimeSeconds };
  }

  /** Who a Bearer access token is, or why it is not usable (`malformed` when never issued). */
  owner(accessToken: string): TokenOwner | 'expired' | 'malformed' {
    const entry = this.#access.get(accessToken);
    if (!entry) return 'malformed';
    if (entry.invalidated || entry.expiresAt <= Date.now()) return 'expired';
    return entry.owner;
  }

  /** The get token API's refresh_token grant, asked by `client`. */
  refresh(refreshToken: string, client: string): Answer {
    const entry = this.#refresh.get(refreshToken);
    if (!entry || entry.invalidated) return invalidGrant('could not refresh the requested token');
    if (entry.owner.client !== client) return invalidGrant('tokens must be refreshed by the creating client');
    if (entry.used) return invalidGrant('token has already been refreshed');
    if (entry.expiresAt <= Date.now()) return invalidGrant('refresh token is expired');
    entry.used = true;
    return { status: 200, body: { ...this.issue(entry.owner), type: 'Bearer', authentication: authenticationOf(entry.owner, 'token') } };
  }

  /** Invalidates an access token; false when it was never issued. */
  invalidateAccess(accessToken: string): boolean {
    const entry = this.#access.get(accessToken);
    if (entry) entry.invalidated = true;
    return entry !== undefined;
  }

  /** Invalidates a refresh token; false when it was never issued. */
  invalidateRefresh(refreshToken: string): boolean {
    const entry = this.#refresh.get(refreshToken);
    if (entry) entry.invalidated = true;
    return entry !== undefined;
  }
}

/** The 401 of an unusable Bearer token, as TokenService raises it, and its WWW-Authenticate. */
export function bearerRefused(why: 'expired' | 'malformed'): Answer & { readonly wwwAuthenticate: string } {
  const reason = why === 'expired' ? 'token expired' : 'token malformed';
  const wwwAuthenticate = why === 'expired' ? EXPIRED_TOKEN_WWW_AUTHENTICATE : MALFORMED_TOKEN_WWW_AUTHENTICATE;
  return { status: 401, body: errorBody(401, 'security_exception', reason, { header: { 'WWW-Authenticate': [wwwAuthenticate] } }), wwwAuthenticate };
}

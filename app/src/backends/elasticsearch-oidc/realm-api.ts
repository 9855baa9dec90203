/**
 * The calls gatehouse makes as the facilitator of an Elasticsearch OpenID Connect realm (Elastic's
 * "OpenID Connect without Kibana"), over the official client — the hosts in failover order, the
 * outbound dispatcher with the Elasticsearch CA, timeouts and egress proxy — authenticated as the
 * configured user (`manage_oidc` for the oidc APIs, `manage_token` for refresh):
 * `POST /_security/oidc/prepare`, `/_security/oidc/authenticate`, `/_security/oidc/logout` and
 * `POST /_security/oauth2/token` with `grant_type=refresh_token`. Every answer is checked against
 * what Elastic documents before anything uses it; failures are typed in realm-errors.ts.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from '@elastic/elasticsearch';
import type { ElasticsearchMetrics } from '../elasticsearch/metrics.ts';
import { translateRealmError, unexpected, type RealmOperation } from './realm-errors.ts';

/** What prepare answers: where to send the browser, and the state and nonce to bind to it. */
export interface PreparedSignIn {
  readonly redirect: URL;
  readonly state: string;
  readonly nonce: string;
  readonly realm: string;
}

/** Elasticsearch's token pair (not the provider's tokens: Elasticsearch's token service made them). */
export interface RealmTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
}

/** What authenticate answers: the tokens and who Elasticsearch says signed in. */
export interface RealmSignIn extends RealmTokens {
  /** The `authentication` object (`_security/_authenticate`'s shape), or `{ username }` when absent. */
  readonly authentication: Readonly<Record<string, unknown>>;
}

/** The facilitator calls. */
export interface RealmApi {
  /** @param target - the realm's name, or the provider's issuer Elasticsearch finds it by */
  prepare(target: { readonly realm?: string | undefined; readonly issuer?: string | undefined }): Promise<PreparedSignIn>;
  /** @param redirectUri - the full callback URL, code and state included, as the browser brought it */
  authenticate(redirectUri: string, state: string, nonce: string, realm: string): Promise<RealmSignIn>;
  /** @throws RefreshRejectedError for Elasticsearch's `invalid_grant` */
  refresh(refreshToken: string): Promise<RealmTokens>;
  /** @returns the provider's end-session URL when the realm is set up for single logout */
  logout(accessToken: string, refreshToken: string | undefined): Promise<URL | undefined>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
// Tokens travel in an Authorization header and the state names a cookie: printable ASCII only.
const TOKEN = /^[\x21-\x7e]{1,8192}$/;
const STATE = /^[A-Za-z0-9_-]{16,512}$/;

function httpUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

function tokensOf(operation: RealmOperation, body: unknown): RealmTokens & { body: Record<string, unknown> } {
  if (!isRecord(body)) throw unexpected(operation, 'a JSON object');
  const { access_token: access, refresh_token: refresh, expires_in: expiresIn, type } = body;
  if (typeof access !== 'string' || !TOKEN.test(access)) throw unexpected(operation, 'an access_token');
  if (typeof refresh !== 'string' || !TOKEN.test(refresh)) throw unexpected(operation, 'a refresh_token');
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) throw unexpected(operation, 'a positive expires_in');
  // The REST handler of authenticate sends no type; the documented example and get-token say Bearer.
  if (type !== undefined && (typeof type !== 'string' || type.toLowerCase() !== 'bearer')) throw unexpected(operation, 'type Bearer');
  return { accessToken: access, refreshToken: refresh, expiresIn, body };
}

/** Wraps `client`; each call is timed and counted in `metrics` as its operation. */
export function createRealmApi(client: Client, metrics: ElasticsearchMetrics): RealmApi {
  const call = async <T>(operation: RealmOperation, action: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    try {
      const value = await action();
      metrics.request(operation, 'success', seconds());
      return value;
    } catch (error) {
      const typed = translateRealmError(operation, error);
      metrics.request(operation, typed.name === 'BackendUnavailableError' ? 'error' : 'refused', seconds());
      throw typed;
    }
  };

  return {
    prepare: (target) =>
      call('oidc_prepare', async () => {
        const body: unknown = await client.security.oidcPrepareAuthentication(target.realm !== undefined ? { realm: target.realm } : { iss: target.issuer as string });
        if (!isRecord(body)) throw unexpected('oidc_prepare', 'a JSON object');
        const redirect = httpUrl(body.redirect);
        if (!redirect) throw unexpected('oidc_prepare', 'an http(s) redirect');
        if (typeof body.state !== 'string' || !STATE.test(body.state)) throw unexpected('oidc_prepare', 'a base64url state');
        if (typeof body.nonce !== 'string' || !TOKEN.test(body.nonce)) throw unexpected('oidc_prepare', 'a nonce');
        const realm = typeof body.realm === 'string' && body.realm !== '' ? body.realm : target.realm;
        if (realm === undefined) throw unexpected('oidc_prepare', 'the realm it chose');
        return { redirect, state: body.state, nonce: body.nonce, realm };
      }),
    authenticate: (redirectUri, state, nonce, realm) =>
      call('oidc_authenticate', async () => {
        const answer = tokensOf('oidc_authenticate', await client.security.oidcAuthenticate({ redirect_uri: redirectUri, state, nonce, realm }));
        const { authentication, username } = answer.body;
        const who = isRecord(authentication) ? authentication : typeof username === 'string' ? { username } : undefined;
        if (!who) throw unexpected('oidc_authenticate', 'the authenticated user');
        return { accessToken: answer.accessToken, refreshToken: answer.refreshToken, expiresIn: answer.expiresIn, authentication: who };
      }),
    refresh: (refreshToken) =>
      call('token_refresh', async () => {
        const answer = tokensOf('token_refresh', await client.security.getToken({ grant_type: 'refresh_token', refresh_token: refreshToken }));
        return { accessToken: answer.accessToken, refreshToken: answer.refreshToken, expiresIn: answer.expiresIn };
      }),
    logout: (accessToken, refreshToken) =>
      call('oidc_logout', async () => {
        // The logout API reads the access token from `token` (the reference page names it access_token; the parser does not).
        const body: unknown = await client.security.oidcLogout({ token: accessToken, ...(refreshToken !== undefined && { refresh_token: refreshToken }) });
        if (!isRecord(body)) throw unexpected('oidc_logout', 'a JSON object');
        if (body.redirect === null || body.redirect === undefined) return undefined;
        const redirect = httpUrl(body.redirect);
        if (!redirect) throw unexpected('oidc_logout', 'an http(s) redirect or null');
        return redirect;
      }),
  };
}

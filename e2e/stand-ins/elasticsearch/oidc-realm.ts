/**
 * An OpenID Connect realm of the Elasticsearch stand-in (not Elasticsearch), answering the three
 * facilitator APIs the way Elastic documents them, and acting itself as the relying party toward
 * a real OpenID Provider (the project's test IdP), as Elasticsearch does:
 * - prepare (https://www.elastic.co/guide/en/elasticsearch/reference/current/security-api-oidc-prepare-authentication.html):
 *   `realm` or `iss` (one of them, not both: OpenIdConnectPrepareAuthenticationRequest's
 *   validation), optional `state`/`nonce` made when absent; answers `redirect`, `state`, `nonce`,
 *   `realm`. Like Elasticsearch it keeps nothing: the facilitator brings state and nonce back.
 *   An unknown realm is Elasticsearch's 500 "Cannot find OpenID Connect realm with name [x]".
 * - authenticate (…/security-api-oidc-authenticate.html): `redirect_uri`, `state`, `nonce`,
 *   optional `realm`; the code is exchanged and the ID token validated (oidc-code-exchange.ts).
 *   Answers `username`, `access_token`, `refresh_token`, `expires_in`, `authentication`
 *   (RestOpenIdConnectAuthenticateAction). Any failure is the 401 Elasticsearch answers a realm
 *   that could not authenticate the token: "unable to authenticate user [<OIDC Token>] for action
 *   [cluster:admin/xpack/security/oidc/authenticate]" (seen in elastic/elasticsearch#100783); the
 *   stand-in keeps the realm's own reason in `failures` for the tests.
 * - logout (…/security-api-oidc-logout.html): `token` (the parser's name; the page says
 *   access_token) and optional `refresh_token`; both are invalidated; answers `redirect`, the
 *   provider's end-session URL with id_token_hint, post_logout_redirect_uri and state, or null.
 * Claims map to the user as the guide's "Claims mapping" says (oidc-claims-mapping.ts).
 */
import { randomBytes } from 'node:crypto';
import * as client from 'openid-client';
import { userOfClaims } from './oidc-claims-mapping.ts';
import { exchangeCode, failureOf } from './oidc-code-exchange.ts';
import type { StandInOidcRealm } from './oidc-realm-settings.ts';
import { stringFields } from './requests.ts';
import { errorBody } from './responses.ts';
import { authenticationOf, type TokenService } from './token-service.ts';
import type { Answer } from './user-api.ts';

const AUTHENTICATE_ACTION = 'cluster:admin/xpack/security/oidc/authenticate';
const WWW_AUTHENTICATE = ['Basic realm="security" charset="UTF-8"', 'Bearer realm="security"', 'ApiKey'];
const random = (): string => randomBytes(32).toString('base64url');

const validationFailed = (...problems: string[]): Answer => ({
  status: 400,
  body: errorBody(400, 'action_request_validation_exception', `Validation Failed: ${problems.map((p, i) => `${i + 1}: ${p};`).join('')}`),
});

/** The realms of the stand-in and the three APIs over them. */
export class OidcRealms {
  readonly #realms = new Map<string, StandInOidcRealm>();
  readonly #configs = new Map<string, Promise<client.Configuration>>();
  readonly #tokens: TokenService;
  /** Why authenticate calls failed, newest last: what Elasticsearch writes to its log. */
  readonly failures: string[] = [];

  constructor(tokens: TokenService) {
    this.#tokens = tokens;
  }

  add(realm: StandInOidcRealm): void {
    this.#realms.set(realm.name, realm);
    this.#configs.delete(realm.name);
  }

  #configOf(realm: StandInOidcRealm): Promise<client.Configuration> {
    let config = this.#configs.get(realm.name);
    if (!config) {
      const insecure = realm.issuer.startsWith('http:') ? { execute: [client.allowInsecureRequests] } : {};
      config = client.discovery(new URL(realm.issuer), realm.clientId, undefined, client.ClientSecretBasic(realm.clientSecret), insecure);
      config.catch(() => this.#configs.delete(realm.name));
      this.#configs.set(realm.name, config);
    }
    return config;
  }

  /** POST /_security/oidc/prepare. */
  async prepare(raw: unknown): Promise<Answer> {
    const parsed = stringFields('oidc_prepare_authentication', raw, ['realm', 'iss', 'login_hint', 'state', 'nonce']);
    if ('problem' in parsed) return parsed.problem;
    const { realm: name, iss, login_hint: loginHint } = parsed.fields;
    if (!name && !iss) return validationFailed('one of [realm, issuer] must be provided');
    if (name && iss) return validationFailed('only one of [realm, issuer] can be provided in the same request');
    const realm = iss ? [...this.#realms.values()].find((r) => r.issuer === iss) : this.#realms.get(name as string);
    if (!realm) {
      const reason = iss ? `Cannot find OpenID Connect realm with issuer [${iss}]` : `Cannot find OpenID Connect realm with name [${name}]`;
      return { status: 500, body: errorBody(500, 'security_exception', reason) };
    }
    const state = parsed.fields.state ?? random();
    const nonce = parsed.fields.nonce ?? random();
    const scope = [...new Set(['openid', ...(realm.requestedScopes ?? [])])].join(' ');
    const redirect = client.buildAuthorizationUrl(await this.#configOf(realm), {
      ...(iss && loginHint !== undefined && { login_hint: loginHint }),
      scope,
      response_type: 'code',
      redirect_uri: realm.redirectUri,
      state,
      nonce,
    });
    return { status: 200, body: { redirect: redirect.href, state, nonce, realm: realm.name } };
  }

  /** POST /_security/oidc/authenticate, asked by `caller` (the facilitator). */
  async authenticate(raw: unknown, caller: string): Promise<Answer> {
    const parsed = stringFields('oidc_authn', raw, ['redirect_uri', 'state', 'nonce', 'realm']);
    if ('problem' in parsed) return parsed.problem;
    const { redirect_uri: redirectUri, state, nonce, realm: name } = parsed.fields;
    const missing = [
      ...(state ? [] : ['state parameter is missing']),
      ...(nonce ? [] : ['nonce parameter is missing']),
      ...(redirectUri ? [] : ['redirect_uri parameter is missing']),
    ];
    if (missing.length > 0) return validationFailed(...missing);
    const realms = name ? [this.#realms.get(name)].filter((r) => r !== undefined) : [...this.#realms.values()];
    for (const realm of realms) {
      try {
        return { status: 200, body: await this.#signIn(realm, redirectUri as string, state as string, nonce as string, caller) };
      } catch (err) {
        this.failures.push(`${realm.name}: ${failureOf(err)}`);
      }
    }
    const reason = `unable to authenticate user [<OIDC Token>] for action [${AUTHENTICATE_ACTION}]`;
    return { status: 401, body: errorBody(401, 'security_exception', reason, { header: { 'WWW-Authenticate': WWW_AUTHENTICATE } }) };
  }

  async #signIn(realm: StandInOidcRealm, redirectUri: string, state: string, nonce: string, caller: string): Promise<Record<string, unknown>> {
    const { claims, idToken } = await exchangeCode(await this.#configOf(realm), realm, redirectUri, state, nonce);
    const user = userOfClaims(realm, claims);
    const owner = { user, realm: { name: realm.name, type: 'oidc' }, idToken, client: caller };
    return { username: user.username, ...this.#tokens.issue(owner), authentication: authenticationOf(owner, 'realm') };
  }

  /** POST /_security/oidc/logout. */
  async logout(raw: unknown): Promise<Answer> {
    const parsed = stringFields('oidc_logout', raw, ['token', 'refresh_token']);
    if ('problem' in parsed) return parsed.problem;
    const { token, refresh_token: refreshToken } = parsed.fields;
    if (!token) return validationFailed('token is missing');
    if (refreshToken !== undefined && !this.#tokens.invalidateRefresh(refreshToken)) {
      return { status: 400, body: errorBody(400, 'security_exception', 'invalid_grant', { header: { error_description: 'could not invalidate the requested token' } }) };
    }
    const owner = this.#tokens.owner(token);
    if (typeof owner === 'string') {
      return { status: 401, body: errorBody(401, 'security_exception', owner === 'expired' ? 'token expired' : 'token malformed') };
    }
    this.#tokens.invalidateAccess(token);
    const realm = this.#realms.get(owner.realm.name);
    const endSession = realm?.postLogoutRedirectUri === undefined ? undefined : (await this.#configOf(realm)).serverMetadata().end_session_endpoint;
    if (!realm?.postLogoutRedirectUri || !endSession) return { status: 200, body: { redirect: null } };
    const url = new URL(endSession);
    url.searchParams.set('id_token_hint', owner.idToken);
    url.searchParams.set('post_logout_redirect_uri', realm.postLogoutRedirectUri);
    url.searchParams.set('state', random());
    return { status: 200, body: { redirect: url.href } };
  }
}

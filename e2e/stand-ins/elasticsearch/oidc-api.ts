/**
 * The facilitator endpoints of the Elasticsearch stand-in (not Elasticsearch): the OpenID Connect
 * prepare, authenticate and logout APIs and the get token API's refresh grant, each behind the
 * cluster privilege Elastic's pages name — `manage_oidc` for the oidc APIs, `manage_token` for
 * the token API (https://www.elastic.co/guide/en/elasticsearch/reference/current/oidc-guide.html,
 * "Service Account user for accessing the APIs") — and refused with Elasticsearch's 403 otherwise.
 */
import type { IncomingMessage } from 'node:http';
import type { OidcRealms } from './oidc-realm.ts';
import { readJson, stringFields } from './requests.ts';
import { errorBody } from './responses.ts';
import type { TokenService } from './token-service.ts';
import type { Answer } from './user-api.ts';
import type { StandInUser } from './user-table.ts';

/** Cluster privileges by role name; `superuser` holds every one. */
export type RoleDefinitions = Readonly<Record<string, readonly string[]>>;

const ENDPOINTS: Readonly<Record<string, { readonly action: string; readonly privilege: string }>> = {
  '/_security/oidc/prepare': { action: 'cluster:admin/xpack/security/oidc/prepare', privilege: 'manage_oidc' },
  '/_security/oidc/authenticate': { action: 'cluster:admin/xpack/security/oidc/authenticate', privilege: 'manage_oidc' },
  '/_security/oidc/logout': { action: 'cluster:admin/xpack/security/oidc/logout', privilege: 'manage_oidc' },
  '/_security/oauth2/token': { action: 'cluster:admin/xpack/security/token/refresh', privilege: 'manage_token' },
};

/** Whether `path` is one of these endpoints. */
export function isOidcPath(path: string): boolean {
  return path in ENDPOINTS;
}

function holds(user: StandInUser, privilege: string, roles: RoleDefinitions): boolean {
  return user.roles.some((role) => role === 'superuser' || (roles[role] ?? []).some((p) => p === privilege || p === 'all'));
}

/** POST /_security/oauth2/token: only the refresh_token grant, as a facilitator uses it. */
function getToken(raw: unknown, caller: string, tokens: TokenService): Answer {
  const parsed = stringFields('token_request', raw, ['grant_type', 'username', 'password', 'kerberos_ticket', 'scope', 'refresh_token']);
  if ('problem' in parsed) return parsed.problem;
  const { grant_type: grantType, refresh_token: refreshToken } = parsed.fields;
  const refuse = (error: string, description: string): Answer => ({ status: 400, body: { error, error_description: description } });
  if (grantType === undefined) return refuse('unsupported_grant_type', 'Validation Failed: 1: grant_type is missing;');
  if (grantType !== 'refresh_token') return refuse('unsupported_grant_type', `Validation Failed: 1: the stand-in serves only grant_type [refresh_token], not [${grantType}];`);
  if (!refreshToken) return refuse('invalid_request', 'Validation Failed: 1: refresh_token is missing;');
  return tokens.refresh(refreshToken, caller);
}

/** Answers one of the endpoints for `caller`; the body is read here. */
export async function answerOidc(
  req: IncomingMessage,
  path: string,
  caller: StandInUser,
  parts: { readonly realms: OidcRealms; readonly tokens: TokenService; readonly roles: RoleDefinitions },
): Promise<Answer> {
  const endpoint = ENDPOINTS[path];
  if (!endpoint) return { status: 400, body: { error: `no handler found for uri [${path}]`, status: 400 } };
  if (req.method !== 'POST') {
    return { status: 405, body: { error: `Incorrect HTTP method for uri [${path}] and method [${req.method}], allowed: [POST]`, status: 405 } };
  }
  if (!holds(caller, endpoint.privilege, parts.roles)) {
    const reason = `action [${endpoint.action}] is unauthorized for user [${caller.username}] with effective roles [${caller.roles.join(',')}], this action is granted by the cluster privileges [${endpoint.privilege},manage_security,all]`;
    return { status: 403, body: errorBody(403, 'security_exception', reason) };
  }
  const body = await readJson(req);
  if ('problem' in body) return body.problem;
  if (path === '/_security/oidc/prepare') return parts.realms.prepare(body.value);
  if (path === '/_security/oidc/authenticate') return parts.realms.authenticate(body.value, caller.username);
  if (path === '/_security/oidc/logout') return parts.realms.logout(body.value);
  return getToken(body.value, caller.username, parts.tokens);
}

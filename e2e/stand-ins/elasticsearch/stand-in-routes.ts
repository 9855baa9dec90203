/**
 * The Elasticsearch stand-in's (not Elasticsearch's) answer to an authenticated request by path:
 * the root's cluster info, `_authenticate`, the OpenID Connect facilitator APIs, and the user API
 * (get, create-or-update, enable, disable) for superusers only, with Elasticsearch's 400, 403 and
 * 405 bodies otherwise.
 */
import type { IncomingMessage } from 'node:http';
import { answerOidc, isOidcPath, type RoleDefinitions } from './oidc-api.ts';
import type { OidcRealms } from './oidc-realm.ts';
import { readJson } from './requests.ts';
import { errorBody } from './responses.ts';
import type { Caller } from './stand-in-callers.ts';
import { authenticationOf, type TokenService } from './token-service.ts';
import { authenticated, getUsers, putUser, setEnabled, type Answer } from './user-api.ts';
import type { UserTable } from './user-table.ts';

/** What the routes answer from. */
export interface StandInState {
  /** The major version answered as. */
  readonly major: number;
  readonly table: UserTable;
  /** Successful create-or-update calls by username. */
  readonly upserts: Map<string, number>;
  readonly realms: OidcRealms;
  readonly tokens: TokenService;
  readonly roles: RoleDefinitions;
}

/** Answers `req` to `path` from `caller`. */
export async function routeRequest(state: StandInState, req: IncomingMessage, path: string, { user, realm, token }: Caller): Promise<Answer> {
  const method = req.method ?? 'GET';
  if (path === '/') {
    return { status: 200, body: { name: 'stand-in', cluster_name: 'stand-in', version: { number: `${state.major}.0.0` }, tagline: 'You Know, for Search' } };
  }
  if (path === '/_security/_authenticate' && method === 'GET') {
    return token ? { status: 200, body: authenticationOf({ user, realm, idToken: '', client: '' }, 'token') } : authenticated(user, realm);
  }
  if (isOidcPath(path)) return answerOidc(req, path, user, { realms: state.realms, tokens: state.tokens, roles: state.roles });
  const match = /^\/_security\/user(?:\/([^/]+))?(?:\/(_enable|_disable))?$/.exec(path);
  if (!match) return { status: 400, body: { error: `no handler found for uri [${path}] and method [${method}]`, status: 400 } };
  const name = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
  const write = method !== 'GET';
  if (!user.roles.includes('superuser')) {
    const action = `cluster:admin/xpack/security/user/${write ? 'put' : 'get'}`;
    const reason = `action [${action}] is unauthorized for user [${user.username}] with effective roles [${user.roles.join(',')}]`;
    return { status: 403, body: errorBody(403, 'security_exception', reason) };
  }
  if (method === 'GET' && match[2] === undefined) return getUsers(state.table, name);
  if (name !== undefined && match[2] !== undefined && (method === 'PUT' || method === 'POST')) {
    return setEnabled(state.table, name, match[2] === '_enable');
  }
  if (name === undefined || (method !== 'PUT' && method !== 'POST')) {
    return { status: 405, body: { error: `Incorrect HTTP method for uri [${path}] and method [${method}]`, status: 405 } };
  }
  const body = await readJson(req);
  if ('problem' in body) return body.problem;
  const answer = putUser(state.table, name, body.value);
  if (answer.status === 200) state.upserts.set(name, (state.upserts.get(name) ?? 0) + 1);
  return answer;
}

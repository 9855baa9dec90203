/**
 * The user endpoints of the Elasticsearch stand-in (not Elasticsearch; answers the documented
 * security API the way Elastic documents it): get users, create or update users, enable and
 * disable, each with the status codes and bodies of Elastic's reference.
 */
import { errorBody } from './responses.ts';
import type { StandInUser, UserTable } from './user-table.ts';

/** What a handler answers: a status and a JSON body. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
}

const FIELDS: ReadonlySet<string> = new Set(['password', 'password_hash', 'roles', 'full_name', 'email', 'metadata', 'enabled']);

const INVALID_NAME =
  'Usernames must be at least [1] and no more than [507] characters. They can contain alphanumeric characters ' +
  '(a-z, A-Z, 0-9), spaces, punctuation, and printable symbols in the Basic Latin (ASCII) block. ' +
  'Leading or trailing whitespace is not allowed.';

const parseProblem = (reason: string): Answer => ({ status: 400, body: errorBody(400, 'x_content_parse_exception', reason) });
const isStringOrNull = (value: unknown): value is string | null | undefined =>
  value === undefined || value === null || typeof value === 'string';

/** GET /_security/user/<a,b>: the users found by name (a comma list), or 404 `{}` when none is. */
export function getUsers(table: UserTable, names: string | undefined): Answer {
  const found: Record<string, StandInUser> = {};
  const wanted = names === undefined ? table.all().map((u) => u.username) : names.split(',');
  for (const name of wanted) {
    const user = table.get(name);
    if (user) found[name] = user;
  }
  // Asking for named users of whom none exists is a 404 with an empty object.
  return { status: names !== undefined && Object.keys(found).length === 0 ? 404 : 200, body: found };
}

/** The problems Elasticsearch's request validation reports for a put-user request. */
function validationProblems(table: UserTable, username: string, body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const block = table.blockOf(username);
  if (block === 'reserved') problems.push(`user [${username}] is reserved and only the password can be changed`);
  if (block === 'anonymous') problems.push(`user [${username}] is anonymous and cannot be modified via the API`);
  if (block === 'internal') problems.push(`user [${username}] is internal`);
  if (block === 'invalid') problems.push(INVALID_NAME);
  if (body.roles === undefined) problems.push('roles are missing');
  for (const role of (body.roles as string[] | undefined) ?? []) {
    if (!/^[\x20-\x7e]{1,507}$/.test(role)) problems.push(`Invalid role name [${role}]: ${INVALID_NAME.replace('Usernames', 'Role names')}`);
  }
  const password = body.password;
  if (typeof password === 'string' && password.length < 6) problems.push('passwords must be at least [6] characters long');
  if (password === undefined && body.password_hash === undefined && !table.get(username)) {
    problems.push('password must be specified unless you are updating an existing user');
  }
  const metadata = body.metadata as Record<string, unknown> | undefined;
  if (metadata && Object.keys(metadata).some((key) => key.startsWith('_'))) problems.push('metadata keys may not start with [_]');
  return problems;
}

/** PUT|POST /_security/user/<username>: 200 `{"created": true|false}`, or 400 as Elastic validates. */
export function putUser(table: UserTable, username: string, raw: unknown): Answer {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return parseProblem('request body must be an object');
  const body = raw as Record<string, unknown>;
  const unknown = Object.keys(body).find((key) => !FIELDS.has(key));
  if (unknown !== undefined) return parseProblem(`[Users] unknown field [${unknown}]`);
  const roles = body.roles;
  if (roles !== undefined && (!Array.isArray(roles) || roles.some((r) => typeof r !== 'string'))) {
    return parseProblem('[roles] must be an array of strings');
  }
  const { metadata, enabled, password } = body;
  if (metadata !== undefined && (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))) {
    return parseProblem('[metadata] must be an object');
  }
  if (!isStringOrNull(body.full_name) || !isStringOrNull(body.email) || (password !== undefined && typeof password !== 'string')) {
    return parseProblem('[full_name], [email] and [password] must be strings');
  }
  if (body.password_hash !== undefined) return parseProblem('the stand-in does not take [password_hash]');
  const problems = validationProblems(table, username, body);
  if (problems.length > 0) {
    const reason = `Validation Failed: ${problems.map((p, i) => `${i + 1}: ${p};`).join('')}`;
    return { status: 400, body: errorBody(400, 'action_request_validation_exception', reason) };
  }
  const created = table.put(
    {
      username,
      roles: [...(roles as string[])],
      full_name: (body.full_name as string | null | undefined) ?? null,
      email: (body.email as string | null | undefined) ?? null,
      metadata: (metadata as Record<string, unknown> | undefined) ?? {},
      enabled: enabled !== false,
    },
    password as string | undefined,
  );
  return { status: 200, body: { created } };
}

/** PUT /_security/user/<username>/_enable|_disable: 200 `{}`, 404 for an unknown user. */
export function setEnabled(table: UserTable, username: string, enabled: boolean): Answer {
  if (table.setEnabled(username, enabled)) return { status: 200, body: {} };
  return { status: 404, body: errorBody(404, 'resource_not_found_exception', `user [${username}] not found`) };
}

/** The body of a successful authenticate call for `user` in `realm`. */
export function authenticated(user: StandInUser, realm: { name: string; type: string }): Answer {
  return {
    status: 200,
    body: { ...user, authentication_realm: realm, lookup_realm: realm, authentication_type: 'realm' },
  };
}

/**
 * The four security-API calls the backend makes, over the official client, with every failure
 * turned into a typed backend error: a 400 is a refusal of this user (403 to nginx), anything
 * else that goes wrong — refused admin credentials, a missing privilege, 5xx, timeouts, no host
 * reachable, a server that is not Elasticsearch — is unavailability (5xx). The client's own
 * errors carry the request, password included, so they never leave this file: the error thrown
 * holds a cause with the status and Elasticsearch's reason only.
 */
import { performance } from 'node:perf_hooks';
import type { Client } from '@elastic/elasticsearch';
import { elasticsearchPackage } from '../../optional-packages.ts';
import { BackendRefusedError, BackendUnavailableError, type UnavailableReason } from '../errors.ts';
import { NO_METRICS, type ElasticsearchMetrics, type RequestOutcome } from './metrics.ts';

/** A user as the get-users API returns it (passwords are never returned). */
export interface NativeUser {
  readonly username: string;
  readonly roles: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly enabled: boolean;
}

/** The body of a create-or-update call. */
export interface UserDocument {
  readonly password: string;
  readonly roles: readonly string[];
  readonly full_name: string | null;
  readonly email: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** The calls the backend needs. */
export interface SecurityApi {
  /** GET /_security/user/<username>; undefined on 404. */
  getUser(username: string): Promise<NativeUser | undefined>;
  /** GET /_security/user: every native and reserved user. */
  listUsers(): Promise<NativeUser[]>;
  /** PUT /_security/user/<username> (the client URL-encodes the name), enabled. */
  putUser(username: string, document: UserDocument): Promise<{ created: boolean }>;
  /** PUT /_security/user/<username>/_disable. */
  disableUser(username: string): Promise<void>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function toNativeUser(name: string, raw: unknown): NativeUser {
  if (!isRecord(raw) || !Array.isArray(raw.roles)) {
    throw new BackendUnavailableError('unexpected_response', `Elasticsearch sent a malformed user [${name}]`);
  }
  return {
    username: typeof raw.username === 'string' ? raw.username : name,
    roles: raw.roles.filter((role): role is string => typeof role === 'string'),
    metadata: isRecord(raw.metadata) ? raw.metadata : {},
    enabled: raw.enabled !== false,
  };
}

/** Elasticsearch's `error.type: error.reason`, short, for messages and causes. */
function describeBody(body: unknown): string {
  const error = isRecord(body) ? body.error : undefined;
  if (typeof error === 'string') return error.slice(0, 300);
  if (!isRecord(error)) return 'no error body';
  return `${String(error.type)}: ${String(error.reason)}`.slice(0, 300);
}

const STATUS_REASONS: Readonly<Record<number, UnavailableReason>> = { 401: 'admin_credentials_rejected', 403: 'admin_not_authorized' };

/** The typed error for anything the client threw during `operation` on `username`. */
function translate(operation: string, username: string, error: unknown): BackendRefusedError | BackendUnavailableError {
  if (error instanceof BackendUnavailableError) return error;
  const { errors } = elasticsearchPackage();
  const what = `Elasticsearch ${operation}${username === '' ? '' : ` for [${username}]`}`;
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 0;
    const detail = `${status} ${describeBody(error.body)}`;
    if (status === 400) {
      // Built-in, anonymous and internal users are refused by name: the same terminal answer as gatehouse's own list.
      const reserved = /is (reserved|anonymous|internal)\b/.test(detail);
      return new BackendRefusedError(reserved ? 'reserved_user' : 'elasticsearch_refused', `${what} refused: ${detail}`);
    }
    const reason = STATUS_REASONS[status] ?? (status >= 500 ? 'server_error' : 'unexpected_response');
    return new BackendUnavailableError(reason, `${what} failed: ${detail}`, { cause: new Error(detail) });
  }
  const reason: UnavailableReason =
    error instanceof errors.TimeoutError
      ? 'timeout'
      : error instanceof errors.ConnectionError || error instanceof errors.NoLivingConnectionsError
        ? 'unreachable'
        : error instanceof errors.ProductNotSupportedError
          ? 'not_elasticsearch'
          : 'unexpected_response';
  const detail = `${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`.slice(0, 300);
  return new BackendUnavailableError(reason, `${what} failed: ${detail}`, { cause: new Error(detail) });
}

const outcomeOf = (error: Error): RequestOutcome => (error instanceof BackendRefusedError ? 'refused' : 'error');

/** Wraps `client`; each call is timed and counted in `metrics`. */
export function createSecurityApi(client: Client, metrics: ElasticsearchMetrics = NO_METRICS): SecurityApi {
  const call = async <T>(operation: string, username: string, action: () => Promise<{ outcome: RequestOutcome; value: T }>): Promise<T> => {
    const started = performance.now();
    const seconds = (): number => (performance.now() - started) / 1000;
    try {
      const { outcome, value } = await action();
      metrics.request(operation, outcome, seconds());
      return value;
    } catch (error) {
      const typed = translate(operation, username, error);
      metrics.request(operation, outcomeOf(typed), seconds());
      throw typed;
    }
  };

  return {
    getUser: (username) =>
      call('get_user', username, async () => {
        const response = await client.security.getUser({ username }, { ignore: [404], meta: true });
        if (response.statusCode === 404) return { outcome: 'not_found', value: undefined };
        const raw = (response.body as Record<string, unknown>)[username];
        return { outcome: 'success', value: raw === undefined ? undefined : toNativeUser(username, raw) };
      }),
    listUsers: () =>
      call('list_users', '', async () => {
        const body = (await client.security.getUser()) as Record<string, unknown>;
        return { outcome: 'success', value: Object.entries(body).map(([name, raw]) => toNativeUser(name, raw)) };
      }),
    putUser: (username, document) =>
      call('put_user', username, async () => {
        const body = await client.security.putUser({
          username,
          ...document,
          roles: [...document.roles],
          metadata: { ...document.metadata },
          enabled: true,
        });
        if (typeof body?.created !== 'boolean') {
          throw new BackendUnavailableError('unexpected_response', `Elasticsearch put_user for [${username}] sent no "created"`);
        }
        return { outcome: 'success', value: { created: body.created } };
      }),
    disableUser: (username) =>
      call('disable_user', username, async () => {
        await client.security.disableUser({ username });
        return { outcome: 'success', value: undefined };
      }),
  };
}

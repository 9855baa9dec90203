/**
 * What can go wrong when gatehouse calls Elasticsearch as the OpenID Connect realm's facilitator,
 * sorted for the caller: Elasticsearch refusing (400, 401, 403 with its error body) is a sign-in
 * or sign-out that cannot go on; a refresh token Elasticsearch calls an `invalid_grant` ends the
 * session; anything else (no host reachable, a timeout, a 5xx, an answer that is not
 * Elasticsearch's) is unavailability. The official client's errors carry the request — the
 * callback URL with its code, the tokens — so they never leave this file: what is thrown holds
 * the status and Elasticsearch's own error type and reason only.
 */
import { RefreshRejectedError } from '../../auth/identity-provider.ts';
import { elasticsearchPackage } from '../../optional-packages.ts';
import { BackendUnavailableError, type UnavailableReason } from '../errors.ts';

/** The facilitator calls, as metrics and logs name them. */
export type RealmOperation = 'oidc_prepare' | 'oidc_authenticate' | 'oidc_logout' | 'token_refresh';

/** Elasticsearch answered, and refused: the sign-in (or sign-out) cannot go on. */
export class RealmRefusedError extends Error {
  readonly code = 'ELASTICSEARCH_REFUSED';
  readonly operation: RealmOperation;
  /** Elasticsearch's status: 400, 401 or 403. */
  readonly status: number;
  /** Elasticsearch's `error.type: error.reason`, short, safe to log. */
  readonly reason: string;

  constructor(operation: RealmOperation, status: number, reason: string) {
    super(`Elasticsearch ${operation} refused: ${status} ${reason}`);
    this.name = 'RealmRefusedError';
    this.operation = operation;
    this.status = status;
    this.reason = reason;
  }

  /** Whether Elasticsearch refused gatehouse's own user (wrong password, missing privilege) rather than the sign-in. */
  get facilitatorRefused(): boolean {
    return this.status === 403 || /^security_exception: (missing authentication credentials|unable to authenticate user \[(?!<OIDC Token>))/.test(this.reason);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Elasticsearch's error body in one short line: `type: reason`, or an OAuth2 `error: description`. */
export function describeErrorBody(body: unknown): string {
  if (!isRecord(body)) return 'no error body';
  const { error } = body;
  if (typeof error === 'string') return `${error}${typeof body.error_description === 'string' ? `: ${body.error_description}` : ''}`.slice(0, 300);
  if (!isRecord(error)) return 'no error body';
  return `${String(error.type)}: ${String(error.reason)}`.slice(0, 300);
}

const REFUSALS: ReadonlySet<number> = new Set([400, 401, 403]);

/** The typed error for anything the client threw during `operation`. */
export function translateRealmError(operation: RealmOperation, error: unknown): Error {
  if (error instanceof RealmRefusedError || error instanceof BackendUnavailableError || error instanceof RefreshRejectedError) return error;
  const { errors } = elasticsearchPackage();
  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 0;
    const detail = describeErrorBody(error.body);
    // RFC 6749 §5.2, as Elasticsearch's get-token API answers a used, expired or unknown refresh token.
    if (operation === 'token_refresh' && status === 400 && isRecord(error.body) && error.body.error === 'invalid_grant') {
      return new RefreshRejectedError(`Elasticsearch refused the refresh token: ${detail}`);
    }
    if (REFUSALS.has(status)) return new RealmRefusedError(operation, status, detail);
    const reason: UnavailableReason = status >= 500 ? 'server_error' : 'unexpected_response';
    return new BackendUnavailableError(reason, `Elasticsearch ${operation} failed: ${status} ${detail}`, { cause: new Error(detail) });
  }
  const reason: UnavailableReason =
    error instanceof errors.TimeoutError
      ? 'timeout'
      : error instanceof errors.ConnectionError || error instanceof errors.NoLivingConnectionsError
        ? 'unreachable'
        : error instanceof errors.ProductNotSupportedError
          ? 'not_elasticsearch'
          : 'unexpected_response';
  // A connection or timeout message names only the host; another error's message may quote the answer, tokens and all.
  const name = (error as Error)?.name ?? 'Error';
  const detail = reason === 'unreachable' || reason === 'timeout' ? `${name}: ${String((error as Error)?.message)}`.slice(0, 300) : name;
  return new BackendUnavailableError(reason, `Elasticsearch ${operation} failed: ${detail}`, { cause: new Error(detail) });
}

/** An answer that is not what Elasticsearch documents: unavailability, naming the field. */
export function unexpected(operation: RealmOperation, what: string): BackendUnavailableError {
  return new BackendUnavailableError('unexpected_response', `Elasticsearch ${operation} answered without ${what}`);
}

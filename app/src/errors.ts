/**
 * Every failure gatehouse reports has a stable code. The code decides the HTTP status here and
 * nowhere else, so handlers throw and never pick a status themselves.
 */

/** The stable error codes; a `switch` over them narrows. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'LISTEN_FAILED'
  | 'BAD_REQUEST'
  | 'SESSION_MISSING'
  | 'SESSION_INVALID'
  | 'SESSION_EXPIRED'
  | 'POLICY_DENIED'
  | 'LOGIN_STATE_UNKNOWN'
  | 'LOGIN_IDP_ERROR'
  | 'LOGIN_TOKEN_INVALID'
  | 'LOGIN_NO_PRINCIPAL'
  | 'LOGIN_ELASTICSEARCH_REFUSED'
  | 'LOGIN_PROVIDER_MISMATCH'
  | 'IDP_UNAVAILABLE'
  | 'ELASTICSEARCH_UNAVAILABLE'
  | 'STORE_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'NOT_FOUND'
  | 'INTERNAL';

const STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze({
  CONFIG_INVALID: 500,
  LISTEN_FAILED: 500,
  BAD_REQUEST: 400,
  SESSION_MISSING: 401,
  SESSION_INVALID: 401,
  SESSION_EXPIRED: 401,
  POLICY_DENIED: 403,
  LOGIN_STATE_UNKNOWN: 403,
  LOGIN_IDP_ERROR: 403,
  LOGIN_TOKEN_INVALID: 403,
  LOGIN_NO_PRINCIPAL: 403,
  LOGIN_ELASTICSEARCH_REFUSED: 403,
  LOGIN_PROVIDER_MISMATCH: 403,
  IDP_UNAVAILABLE: 502,
  ELASTICSEARCH_UNAVAILABLE: 502,
  STORE_UNAVAILABLE: 503,
  RATE_LIMITED: 429,
  NOT_FOUND: 404,
  INTERNAL: 500,
});

/** Short, safe titles shown to people on error pages; never the internal message. */
const TITLE: Readonly<Record<ErrorCode, string>> = Object.freeze({
  CONFIG_INVALID: 'Configuration error',
  LISTEN_FAILED: 'Service unavailable',
  BAD_REQUEST: 'Bad request',
  SESSION_MISSING: 'Not signed in',
  SESSION_INVALID: 'Not signed in',
  SESSION_EXPIRED: 'Session expired',
  POLICY_DENIED: 'Access denied',
  LOGIN_STATE_UNKNOWN: 'Sign-in could not be completed',
  LOGIN_IDP_ERROR: 'Sign-in failed at the identity provider',
  LOGIN_TOKEN_INVALID: 'Sign-in could not be verified',
  LOGIN_NO_PRINCIPAL: 'Your account cannot be used here',
  LOGIN_ELASTICSEARCH_REFUSED: 'Sign-in refused by Elasticsearch',
  LOGIN_PROVIDER_MISMATCH: 'Sign-in came back from another provider',
  IDP_UNAVAILABLE: 'Identity provider unavailable',
  ELASTICSEARCH_UNAVAILABLE: 'Elasticsearch unavailable',
  STORE_UNAVAILABLE: 'Service unavailable',
  RATE_LIMITED: 'Too many requests',
  NOT_FOUND: 'Not found',
  INTERNAL: 'Internal error',
});

/** An error with a stable code; `detail` is safe to show to the user, `message` is for logs. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  /** For RATE_LIMITED: the whole seconds the answer's Retry-After names. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; detail?: string; retryAfterSeconds?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.detail = options?.detail;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  /** The HTTP status this error maps to. */
  get status(): number {
    return STATUS[this.code];
  }

  /** A short title for people. */
  get title(): string {
    return TITLE[this.code];
  }
}

/** Turns anything thrown into an AppError, keeping unknown errors as `INTERNAL` with the original as cause. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const status = (err as { status?: unknown; expose?: unknown })?.status;
  if (err instanceof Error && typeof status === 'number' && status >= 400 && status < 500) {
    // A request the body parser refused (malformed or too large): the client's fault, said plainly.
    return new AppError('BAD_REQUEST', err.message, { cause: err, detail: 'The request body could not be read.' });
  }
  if (err instanceof Error && err.name === 'StoreUnavailableError') {
    return new AppError('STORE_UNAVAILABLE', err.message, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new AppError('INTERNAL', message, { cause: err });
}

/**
 * The errors a credential backend raises. Each carries a stable code, a reason code for logs and
 * metrics, and the status /oauth2/auth answers with: a refusal is a terminal 403 for this user,
 * anything else is a 5xx (fail closed), never an allow.
 */

/** Why a backend refused to hand out a credential for a user. */
export type RefusalReason =
  /** A built-in or internal user of the target system, or one on the configured deny-list. */
  | 'reserved_user'
  /** The user exists in the target system and gatehouse did not create it. */
  | 'unmanaged_user'
  /** The name cannot be a user of the target system, or cannot travel in the header safely. */
  | 'invalid_username'
  /** The target system refused the write for another reason it gave. */
  | 'elasticsearch_refused';

/** Why a backend could not answer; the request fails closed. */
export type UnavailableReason =
  | 'unreachable'
  | 'timeout'
  /** The admin credentials were refused (401): a configuration fault. */
  | 'admin_credentials_rejected'
  /** The admin user lacks the privilege (403, e.g. manage_security): a configuration fault. */
  | 'admin_not_authorized'
  | 'server_error'
  /** The server did not identify itself as Elasticsearch. */
  | 'not_elasticsearch'
  | 'unexpected_response'
  /** The credential cache (Redis) could not be read or written. */
  | 'cache_unavailable'
  /** Another replica held the user's lock for longer than the wait allows. */
  | 'lock_timeout';

/** The user may not have a credential from this backend: answer 403 and log the reason. */
export class BackendRefusedError extends Error {
  readonly code = 'BACKEND_REFUSED';
  readonly reason: RefusalReason;
  readonly status = 403;

  constructor(reason: RefusalReason, message: string) {
    super(message);
    this.name = 'BackendRefusedError';
    this.reason = reason;
  }
}

// Local trouble (cache, lock) is "try again"; trouble at the backend is a bad gateway.
const LOCAL_REASONS: ReadonlySet<UnavailableReason> = new Set(['cache_unavailable', 'lock_timeout']);

/** The backend could not be asked or did not answer usefully: answer 502 or 503. */
export class BackendUnavailableError extends Error {
  readonly code = 'BACKEND_UNAVAILABLE';
  readonly reason: UnavailableReason;

  /** @param options.cause - must hold no secret: callers log it */
  constructor(reason: UnavailableReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BackendUnavailableError';
    this.reason = reason;
  }

  /** 503 when gatehouse's own cache or lock failed, 502 when the backend did. */
  get status(): 502 | 503 {
    return LOCAL_REASONS.has(this.reason) ? 503 : 502;
  }
}

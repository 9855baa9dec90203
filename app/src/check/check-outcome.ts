/** What the check pipeline decides for one request, before any proxy family shapes the answer. */
import type { Reason } from '../policy/reasons.ts';
import type { RoutePolicy } from '../policy/route-policy-cache.ts';
import type { RequestFacts } from '../policy/named/request-facts.ts';

/** The route policy query and, read only when a policy looks at it, the original request's facts. */
export interface CheckRequest {
  /** The route's policy in auth-url query form (`allowed_groups=admins&backend=…`), '' for none. */
  readonly routeQuery: string;
  /** Method, normalised path and client address of the original request; called at most once. */
  readonly facts: () => RequestFacts;
}

/** The pipeline's verdict; `status` is what an auth_request proxy is answered. */
export type CheckOutcome =
  /** Allowed: `headers` is the flat name/value list for the upstream (identity and backend). */
  | { readonly kind: 'allow'; readonly status: 200; readonly user: string; readonly reasons: readonly Reason[]; readonly headers: readonly string[] }
  /** No credential, or one that is not valid: the person may sign in (with the provider the route names). */
  | { readonly kind: 'unauthenticated'; readonly status: 401; readonly reasons: readonly Reason[]; readonly route?: RoutePolicy | undefined }
  /** Signed in but refused: never sent back through sign-in. */
  | {
      readonly kind: 'deny';
      readonly status: 403;
      readonly user: string;
      readonly reasons: readonly Reason[];
      /** Set when the route policy refused (not a backend or claim problem). */
      readonly route: RoutePolicy | undefined;
    }
  /** Too many failed password attempts for the login or the client address: 429, with the seconds to wait. */
  | { readonly kind: 'limited'; readonly status: 429; readonly reasons: readonly Reason[]; readonly retryAfterSeconds: number }
  /** Could not decide (policy broken, store or provider down): a 5xx, never an allow. */
  | { readonly kind: 'error'; readonly status: number; readonly user: string | undefined; readonly reasons: readonly Reason[]; readonly err: unknown };

/** The outcome kinds, as the `result` of the check log line and metrics. */
export type CheckResult = CheckOutcome['kind'];

/** What an identity source makes of one check's request. */
import type { SourceName } from '../config/identity-sources.ts';
import type { Reason } from '../policy/reasons.ts';
import type { Identity, SessionRecord } from '../session/session-record.ts';

/** The outcome of identifying a request. */
export type Identified =
  /** Signed in; `record` is set for a browser session (its tokens may go upstream). */
  | { readonly state: 'identified'; readonly source?: SourceName; readonly identity: Identity; readonly record?: SessionRecord }
  /** Not signed in: 401, never a page or a redirect. */
  | { readonly state: 'unauthenticated'; readonly reason: Reason }
  /** Too many failed password attempts for this login or client: 429 with Retry-After. */
  | { readonly state: 'limited'; readonly reason: Reason; readonly retryAfterMs: number }
  /** Could not tell (a store or provider down): a fast 5xx, never an allow. */
  | { readonly state: 'failed'; readonly status: number; readonly reason: Reason; readonly err: unknown };

/** Identifies a request; answers synchronously when no I/O is needed. */
export type RequestIdentifier = (req: import('node:http').IncomingMessage) => Identified | Promise<Identified>;

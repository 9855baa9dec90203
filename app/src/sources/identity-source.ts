/**
 * The seam every identity source plugs into: a request either carries no credential of the
 * source, or one that is invalid, or one that names an identity. `present` is a cheap look at
 * the request (no I/O), so the ordered sources can pick the one whose credential is there.
 */
import type { IncomingMessage } from 'node:http';
import type { SourceName } from '../config/identity-sources.ts';
import type { Identified } from './identified.ts';
import type { Reason } from '../policy/reasons.ts';
import type { RequestFacts } from '../policy/named/request-facts.ts';

/** One identity source. */
export interface IdentitySource {
  readonly name: SourceName;
  /**
   * Whether the client sends the credential deliberately (`Authorization`), rather than the
   * browser attaching it by itself (a cookie): a deliberate credential is judged first.
   */
  readonly explicit: boolean;
  /**
   * Whether `present` recognises only its own kind among credentials of the same shape (a Bearer
   * JWT from one issuer): such a source is asked before the ones that take any such credential,
   * whatever the configured order, so each token reaches the source it belongs to.
   */
  readonly specific?: boolean;
  /** The reason given when no credential of this source is present. */
  readonly missing: Reason;
  /** Whether the request carries this source's credential, valid or not. */
  present(req: IncomingMessage): boolean;
  /** Who the request is; synchronous when no I/O is needed. */
  identify(req: IncomingMessage, context?: SourceContext): Identified | Promise<Identified>;
}

/** What the check knows beside the request: the original request's facts, read on demand. */
export interface SourceContext {
  /** Method, path and client address as the proxy described them (never a raw client header). */
  readonly facts: () => RequestFacts;
}

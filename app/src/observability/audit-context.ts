/**
 * The request details an audit line carries: its X-Request-ID, the TCP peer, and what the peer
 * claims in X-Forwarded-For. Nothing else of the request is read, so no cookie or header value
 * that could hold a credential is ever passed on.
 */
import type { IncomingMessage } from 'node:http';

/** The request fields of an audit event. */
export interface AuditContext {
  readonly requestId: string | undefined;
  readonly peer: string | undefined;
  readonly forwardedFor: string | undefined;
}

/** Reads the audit fields of `req`; `requestId` is the one the request-id middleware settled on. */
export function auditContext(req: IncomingMessage, requestId: unknown): AuditContext {
  const forwarded = req.headers['x-forwarded-for'];
  return {
    requestId: typeof requestId === 'string' ? requestId : undefined,
    peer: req.socket.remoteAddress,
    forwardedFor: typeof forwarded === 'string' ? forwarded : undefined,
  };
}

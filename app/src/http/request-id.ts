/** Request ids for log correlation. A client-sent X-Request-ID is reused for logs only, never for a decision. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: a well-formed X-Request-ID, or a new random one. */
export function requestIdOf(req: IncomingMessage): string {
  const sent = req.headers['x-request-id'];
  return typeof sent === 'string' && SAFE_ID.test(sent) ? sent : randomBytes(12).toString('hex');
}

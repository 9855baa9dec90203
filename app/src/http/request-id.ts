/** Request ids for log correlation. A client-sent X-Request-ID is reused for logs only, never for a decision. */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

// A random per-process prefix and a counter: unique across replicas without a random draw per request.
const PREFIX = randomBytes(6).toString('hex');
let counter = 0;

/** The request's id: a well-formed X-Request-ID, or a new unique one. */
export function requestIdOf(req: IncomingMessage): string {
  const sent = req.headers['x-request-id'];
  if (typeof sent === 'string' && SAFE_ID.test(sent)) return sent;
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${PREFIX}-${counter.toString(36)}`;
}

/**
 * How the Elasticsearch stand-in (not Elasticsearch) reads requests: Basic credentials split at
 * the first colon as the realms split them, JSON bodies with the content-type check and the
 * answers Elasticsearch gives for a missing type or a body that does not parse, and the string
 * fields of a body as Elasticsearch's ObjectParser takes them.
 */
import type { IncomingMessage } from 'node:http';
import { errorBody } from './responses.ts';
import type { Answer } from './user-api.ts';

const MAX_BODY = 1 << 20;

/** `Basic base64(user:password)` split at the first colon, as the realms read it. */
export function basicCredentials(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The request body as JSON, or the answer Elasticsearch gives when it is not that. */
export async function readJson(req: IncomingMessage): Promise<{ value: unknown } | { problem: Answer }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) return { problem: { status: 413, body: errorBody(413, 'content_too_long_exception', 'body too large') } };
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  if (!/json/i.test(type)) {
    return { problem: { status: 406, body: { error: `Content-Type header [${type}] is not supported`, status: 406 } } };
  }
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { problem: { status: 400, body: errorBody(400, 'x_content_parse_exception', 'Failed to parse object') } };
  }
}

/** The request body's string fields, or Elasticsearch's answer to unknown or mistyped ones (its ObjectParser's). */
export function stringFields(parser: string, raw: unknown, allowed: readonly string[]): { fields: Record<string, string | undefined> } | { problem: Answer } {
  const refuse = (reason: string): { problem: Answer } => ({ problem: { status: 400, body: errorBody(400, 'x_content_parse_exception', reason) } });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return refuse(`[1:1] [${parser}] expected an object`);
  const fields: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!allowed.includes(key)) return refuse(`[1:2] [${parser}] unknown field [${key}]`);
    if (value !== null && typeof value !== 'string') return refuse(`[1:2] [${parser}] failed to parse field [${key}]`);
    fields[key] = value ?? undefined;
  }
  return { fields };
}

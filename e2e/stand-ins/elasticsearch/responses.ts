/**
 * How the Elasticsearch stand-in (not Elasticsearch) writes answers: Elastic's error envelope,
 * the `X-Elastic-Product` header the official client insists on, and the media types of REST API
 * compatibility (`application/vnd.elasticsearch+json; compatible-with=N`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** `{"error": {root_cause, type, reason, …}, "status": N}`, as Elasticsearch reports failures. */
export function errorBody(status: number, type: string, reason: string, extra: Record<string, unknown> = {}): object {
  const cause = { type, reason, ...extra };
  return { error: { root_cause: [cause], ...cause }, status };
}

/** What a server with security on sends with a 401, in the header and in the body. */
export const WWW_AUTHENTICATE: readonly string[] = Object.freeze(['Basic realm="security" charset="UTF-8"', 'ApiKey']);

/** The 401 for missing or wrong credentials, worded as Elasticsearch words it. */
export function authenticationError(path: string, username: string | undefined): object {
  const reason =
    username === undefined
      ? `missing authentication credentials for REST request [${path}]`
      : `unable to authenticate user [${username}] for REST request [${path}]`;
  return errorBody(401, 'security_exception', reason, { header: { 'WWW-Authenticate': [...WWW_AUTHENTICATE] } });
}

const VENDOR = /application\/vnd\.elasticsearch\+json\s*;\s*compatible-with=(\d+)/i;

/**
 * The media type to answer with, or a 400 body when the request asks for a compatibility version
 * this major does not serve (Elasticsearch N serves N and N-1).
 */
export function negotiate(req: IncomingMessage, major: number): { contentType: string } | { problem: object } {
  const accept = req.headers.accept ?? '';
  const contentType = req.headers['content-type'] ?? '';
  const versions = [VENDOR.exec(accept)?.[1], VENDOR.exec(contentType)?.[1]].filter((v): v is string => v !== undefined);
  const wrong = versions.find((v) => Number(v) !== major && Number(v) !== major - 1);
  if (wrong !== undefined) {
    const reason = `Accept version must be either version ${major} or ${major - 1}, but found ${wrong}. Accept=${accept}`;
    const problem = errorBody(400, 'media_type_header_exception', 'Invalid media-type value on headers [Accept, Content-Type]', {
      caused_by: { type: 'status_exception', reason },
    });
    return { problem };
  }
  const version = versions[0];
  return {
    contentType: version === undefined ? 'application/json' : `application/vnd.elasticsearch+json;compatible-with=${version}`,
  };
}

/** Writes a JSON answer with the product header every Elasticsearch 8 and 9 response carries. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string | readonly string[]> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'X-Elastic-Product': 'Elasticsearch',
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * The token of an `Authorization: Bearer …` header (RFC 6750 §2.1), and whether it has the shape
 * of a signed JWT (JWS compact serialization).
 */
import { fail, type BearerFailure } from './bearer-types.ts';

/** Longer tokens are refused before any parsing; real ones stay far below. */
export const MAX_TOKEN_LENGTH = 16_384;
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/**
 * The token, or why there is none. Another scheme (Basic, …) counts as no Bearer token at all.
 */
export function readBearerToken(header: string | undefined): { token: string } | BearerFailure {
  if (header === undefined || header.trim() === '') return fail('bearer_missing');
  const match = /^Bearer +(.*)$/i.exec(header.trim());
  if (!match) return fail('bearer_missing', 'the Authorization header does not use the Bearer scheme');
  const token = match[1] ?? '';
  if (token.length === 0) return fail('bearer_missing');
  if (token.length > MAX_TOKEN_LENGTH) return fail('bearer_malformed', 'the token is too long');
  if (!B64TOKEN.test(token)) return fail('bearer_malformed', 'the token has characters a Bearer token cannot have');
  return { token };
}

/**
 * Whether `token` is shaped as a signed JWT: three base64url segments. Anything with that shape
 * counts as a JWT even if it then fails to parse, so a broken JWT is refused as one and never
 * treated as an opaque token.
 */
export function isJwsShaped(token: string): boolean {
  const parts = token.split('.');
  return parts.length === 3 && SEGMENT.test(parts[0] ?? '') && SEGMENT.test(parts[1] ?? '') && (parts[2] === '' || SEGMENT.test(parts[2] ?? ''));
}

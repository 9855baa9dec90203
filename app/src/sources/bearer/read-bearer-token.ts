/**
 * The token of an `Authorization: Bearer …` header (RFC 6750 §2.1), and whether it has the shape
 * of a signed JWT (JWS compact serialization).
 */
import { fail, type BearerFailure } from './bearer-types.ts';

/** Longer tokens are refused before any parsing; real ones stay far below. */
export const MAX_TOKEN_LENGTH = 16_384;
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** Three base64url segments; the signature may be empty (alg none), and is then refused later. */
const JWS_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

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

const BEARER_SCHEME = /^\s*bearer\s+/i;
/** How nearly every client writes it (RFC 6750 §2.1): the hot path looks for this first. */
const CANONICAL_PREFIX = 'Bearer ';

/** Whether the header uses the Bearer scheme (a cheap look for a source's `present`; nothing is copied). */
export function hasBearerScheme(header: string | undefined): header is string {
  return header !== undefined && BEARER_SCHEME.test(header);
}

/**
 * The text after `Bearer `, unchecked, or undefined when the header does not use the Bearer
 * scheme. Its whitespace is trimmed; its characters are not checked.
 */
export function bearerTokenOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const scheme = BEARER_SCHEME.exec(header);
  return scheme === null ? undefined : header.slice(scheme[0].length).trim();
}

/**
 * The text after `Bearer ` exactly as written, for a cache lookup before any parsing: a token
 * remembered under this text was checked when it was first judged. Undefined for any other spelling,
 * which then takes the full path.
 */
export function canonicalTokenText(header: string | undefined): string | undefined {
  if (header === undefined || header.length > CANONICAL_PREFIX.length + MAX_TOKEN_LENGTH || !header.startsWith(CANONICAL_PREFIX)) return undefined;
  return header.slice(CANONICAL_PREFIX.length);
}

/**
 * Whether `token` is shaped as a signed JWT: three base64url segments. Anything with that shape
 * counts as a JWT even if it then fails to parse, so a broken JWT is refused as one and never
 * treated as an opaque token.
 */
export function isJwsShaped(token: string): boolean {
  return JWS_SHAPE.test(token);
}

/**
 * The `Authorization: Bearer` token of a request and a cheap, untrusted look inside it: a
 * ServiceAccount token is a signed JWT, and its `iss` and `exp` decide whether it is worth a
 * TokenReview at all. Nothing read here is believed: TokenReview is the only proof, so a forged
 * `iss` can at most cost one review that answers "not authenticated".
 */

/** Longer tokens are refused before any parsing; projected ServiceAccount tokens are ~1 KB. */
const MAX_TOKEN_LENGTH = 16_384;
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** A token, with what its payload claims (unverified). */
export interface PeekedToken {
  readonly token: string;
  /** The unverified `iss`, when the token is a JWT that has one. */
  readonly iss: string | undefined;
  /** The unverified `exp` in epoch milliseconds, when present. */
  readonly expMs: number | undefined;
  /** False for a JWT with an empty signature (`alg: none`): never worth a review. */
  readonly signed: boolean;
}

/** Whether the header uses the Bearer scheme at all (the credential is "present"). */
export function hasBearer(header: string | undefined): boolean {
  return header !== undefined && /^bearer(\s|$)/i.test(header.trimStart());
}

function payloadOf(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  // An empty signature still makes a JWT (an unsigned one), so that it is refused as one.
  if (parts.length !== 3 || !SEGMENT.test(parts[0] ?? '') || !SEGMENT.test(parts[1] ?? '') || !/^[A-Za-z0-9_-]*$/.test(parts[2] ?? '')) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8'));
    return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads the Bearer token of `header`.
 * @returns the token and its unverified iss and exp, or undefined when there is no well-formed token
 */
export function peekBearerToken(header: string | undefined): PeekedToken | undefined {
  if (header === undefined || header.length > MAX_TOKEN_LENGTH + 16) return undefined;
  const token = BEARER.exec(header.trim())?.[1];
  if (token === undefined || token.length > MAX_TOKEN_LENGTH) return undefined;
  const payload = payloadOf(token);
  const iss = typeof payload?.iss === 'string' ? payload.iss : undefined;
  const exp = payload?.exp;
  const expMs = typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  return { token, iss, expMs, signed: !token.endsWith('.') };
}

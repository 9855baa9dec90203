/**
 * A first, unverified look at a JWS-shaped token, before any key is fetched or signature checked:
 * its `iss` picks the issuer whose keys may verify it, so a token from an unknown issuer costs no
 * fetch and no crypto. Tokens that no honest issuer sends are refused here: a header or claims
 * object that is not JSON, that repeats a member name (gatehouse and the app could read different
 * values), or a header naming where to get the key (`jku`, `x5u`) or carrying it (`jwk`, `x5c`):
 * keys come from the configured issuer's key set only, and no URL in a token is ever fetched.
 */
import { fail, type BearerFailure } from './bearer-types.ts';
import { hasDuplicateMembers } from './json-duplicates.ts';

/** Header parameters that would let the token choose its own key (RFC 7515 §4.1.2–4.1.6). */
const KEY_HEADERS: readonly string[] = ['jku', 'jwk', 'x5u', 'x5c'];

/** What the token says about itself, unverified. */
export interface PeekedToken {
  readonly alg: unknown;
  /** The claimed issuer; undefined when the token has none (or not a string). */
  readonly iss: string | undefined;
}

function decodeObject(segment: string): { text: string; value: Record<string, unknown> } | undefined {
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? { text, value: value as Record<string, unknown> } : undefined;
}

/**
 * Reads the header and claims of `token`, which has the JWS compact shape; never throws.
 * @returns the claimed issuer and algorithm, or why the token is refused at once
 */
export function peekToken(token: string): PeekedToken | BearerFailure {
  const [headerPart = '', payloadPart = ''] = token.split('.');
  const header = decodeObject(headerPart);
  if (!header) return fail('bearer_malformed', 'the JWT header is not a JSON object');
  if (hasDuplicateMembers(header.text)) return fail('bearer_malformed', 'the JWT header repeats a parameter');
  const keyHeader = KEY_HEADERS.find((name) => Object.hasOwn(header.value, name));
  if (keyHeader !== undefined) return fail('bearer_malformed', `the JWT header carries ${keyHeader}; keys come from the issuer's key set only`);
  const payload = decodeObject(payloadPart);
  if (!payload) return fail('bearer_malformed', 'the JWT claims are not a JSON object');
  if (hasDuplicateMembers(payload.text)) return fail('bearer_claims_invalid', 'the JWT repeats a claim');
  const iss = payload.value.iss;
  return { alg: header.value.alg, iss: typeof iss === 'string' ? iss : undefined };
}

/** Whether a peek refused the token. */
export function isRefused(peeked: PeekedToken | BearerFailure): peeked is BearerFailure {
  return (peeked as BearerFailure).ok === false;
}

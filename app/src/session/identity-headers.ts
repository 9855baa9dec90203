/**
 * The identity headers answered on an allowed /oauth2/auth, built once at sign-in. Each header
 * appears at most once (several values comma-joined), an empty one is left out, and no control
 * character can reach a header: such a claim marks the session as one that is always denied.
 */
import type { Identity } from './session-record.ts';

// C0 controls, DEL and C1 controls: CR/LF would split headers, the rest confuse parsers and logs.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** The headers as a flat name, value… list and, when a claim is unusable, which one. */
export interface IdentityHeaders {
  readonly headers: readonly string[];
  readonly problem: string | undefined;
}

/**
 * Node writes header strings as latin1; sending the UTF-8 bytes keeps non-ASCII names intact on
 * the wire instead of throwing on characters above U+00FF.
 */
function toWire(value: string): string {
  return /^[\u0020-\u007e]*$/.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
}

/** Builds the identity headers for a signed-in user. */
export function buildIdentityHeaders(identity: Identity): IdentityHeaders {
  const candidates: Array<[string, string, string | undefined]> = [
    ['X-Auth-Request-User', 'user', identity.user],
    ['X-Auth-Request-Email', 'email', identity.email],
    ['X-Auth-Request-Groups', 'groups', identity.groups.length > 0 ? identity.groups.join(',') : undefined],
    ['X-Auth-Request-Preferred-Username', 'preferred_username', identity.preferredUsername],
  ];
  const headers: string[] = [];
  for (const [header, claim, value] of candidates) {
    if (value === undefined || value === '') continue;
    if (CONTROL.test(value)) return { headers: [], problem: claim };
    headers.push(header, toWire(value));
  }
  return { headers, problem: undefined };
}

/** True when a token or other value is safe to place in a header as is. */
export function isHeaderSafe(value: string): boolean {
  return /^[\u0021-\u007e]+$/.test(value);
}

/**
 * The identity headers answered on an allowed /oauth2/auth, as the flat name, value… list that
 * writeHead takes. Each header appears at most once (several values comma-joined), an empty one is
 * left out, and no control character reaches a header: such a value makes the identity one that
 * is always denied, naming the claim.
 */
import { resolveClaim } from '../claims/resolve-claim.ts';
import type { ClaimEncoding, HeaderConfig } from './header-config.ts';

/** The identity fields sent as the fixed X-Auth-Request-* headers. */
export interface HeaderIdentity {
  readonly user: string;
  readonly email?: string | undefined;
  readonly groups: readonly string[];
  readonly preferredUsername?: string | undefined;
  readonly roles: readonly string[];
  readonly claims: Readonly<Record<string, unknown>>;
}

/** The headers and, when a value is unusable, which claim it came from. */
export interface BuiltHeaders {
  readonly headers: readonly string[];
  readonly problem: string | undefined;
}

// C0 controls, DEL and C1 controls: CR/LF would split headers, the rest confuse parsers and logs.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Node writes header strings as latin1; sending the UTF-8 bytes keeps non-ASCII names intact on
 * the wire instead of throwing on characters above U+00FF.
 */
export function toWire(value: string): string {
  return /^[\u0020-\u007e]*$/.test(value) ? value : Buffer.from(value, 'utf8').toString('latin1');
}

/** A claim value as header text: scalars as they are, lists of scalars comma-joined, the rest as JSON. */
function claimText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => ['string', 'number', 'boolean'].includes(typeof item))) {
    return value.length === 0 ? undefined : value.join(',');
  }
  return JSON.stringify(value);
}

function encode(text: string, encoding: ClaimEncoding): string {
  // A lone surrogate (JSON may carry one, escaped) would make encodeURIComponent throw; it becomes
  // U+FFFD, as it does in the UTF-8 of the other encodings.
  if (encoding === 'url') return encodeURIComponent(text.toWellFormed());
  if (encoding === 'base64') return Buffer.from(text, 'utf8').toString('base64');
  return text;
}

/** Builds the headers for one identity under `config`. */
export function buildIdentityHeaders(identity: HeaderIdentity, config: HeaderConfig): BuiltHeaders {
  const candidates: Array<[string, string, string | undefined]> = [
    ['X-Auth-Request-User', 'user', identity.user],
    ['X-Auth-Request-Email', 'email', identity.email],
    ['X-Auth-Request-Groups', 'groups', identity.groups.length > 0 ? identity.groups.join(',') : undefined],
    ['X-Auth-Request-Preferred-Username', 'preferred_username', identity.preferredUsername],
    ['X-Auth-Request-Roles', 'roles', identity.roles.length > 0 ? identity.roles.join(',') : undefined],
  ];
  if (config.claims.length > 0 && config.format === 'separate') {
    for (const claim of config.claims) {
      const text = claimText(resolveClaim(identity.claims, claim.source));
      candidates.push([claim.name, claim.source.label, text === undefined ? undefined : encode(text, config.encoding)]);
    }
  }
  if (config.claims.length > 0 && config.format === 'combined') {
    const combined: Record<string, unknown> = {};
    for (const claim of config.claims) {
      const value = resolveClaim(identity.claims, claim.source);
      if (value !== undefined) combined[claim.name] = value;
    }
    // JSON.stringify escapes control characters, so only the chosen encoding shapes this value.
    candidates.push([config.combinedHeader, 'claims', encode(JSON.stringify(combined), config.encoding)]);
  }
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

/** Builds the Identity from validated ID token claims. */
import type { Identity } from '../session/session-record.ts';

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Groups from a `groups` claim that is an array of strings or a single string; anything else is none. */
export function groupsOf(value: unknown): string[] {
  if (typeof value === 'string') return value.length > 0 ? [value] : [];
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((item): item is string => typeof item === 'string' && item.length > 0))];
}

/**
 * Maps claims to the identity: `user` is the subject, `email` is used only when the provider
 * has not said it is unverified.
 * @throws Error when `sub` is missing (openid-client already guarantees it)
 */
export function identityFromClaims(claims: Readonly<Record<string, unknown>>): Identity {
  const sub = optionalString(claims.sub);
  if (!sub) throw new Error('ID token has no sub claim');
  const email = claims.email_verified === false ? undefined : optionalString(claims.email);
  return {
    sub,
    user: sub,
    email,
    groups: groupsOf(claims.groups),
    preferredUsername: optionalString(claims.preferred_username),
  };
}

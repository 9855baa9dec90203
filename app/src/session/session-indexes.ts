/**
 * The index keys sessions are filed under, so that a back-channel logout or "sign out everywhere"
 * finds them on every replica. A `sub` or `sid` is unique only within its provider, so a listed
 * provider's sessions are filed under keys that name it: no provider can reach another's sessions.
 * The GATEHOUSE_OIDC_* provider keeps the plain keys, as sessions made before the list existed have.
 */

/** The index of every session of one user (`sub`) of `provider` (undefined: the default provider). */
export function subjectIndex(sub: string, provider: string | undefined): string {
  return provider === undefined ? `sub:${sub}` : `psub:${provider}:${sub}`;
}

/** The index of the sessions of one provider session (`sid`) of `provider`. */
export function providerSessionIndex(sid: string, provider: string | undefined): string {
  return provider === undefined ? `sid:${sid}` : `psid:${provider}:${sid}`;
}

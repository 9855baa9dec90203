/**
 * Reason codes of named-policy and extended-query decisions. They become a metrics label, so the
 * set is closed; the strings shared with the base query policy keep the same spelling.
 */
export const NAMED_REASONS = Object.freeze({
  noPolicy: 'no-policy',
  groupOk: 'group-ok',
  groupUnauthorized: 'group-unauthorized',
  roleOk: 'role-ok',
  roleUnauthorized: 'role-unauthorized',
  emailOk: 'email-ok',
  emailUnauthorized: 'email-unauthorized',
  emailDomainOk: 'email-domain-ok',
  emailDomainUnauthorized: 'email-domain-unauthorized',
  emailInvalid: 'email-invalid',
  claimOk: 'claim-ok',
  claimUnauthorized: 'claim-unauthorized',
  methodOk: 'method-ok',
  methodUnauthorized: 'method-unauthorized',
  pathOk: 'path-ok',
  pathUnauthorized: 'path-unauthorized',
  networkOk: 'network-ok',
  networkUnauthorized: 'network-unauthorized',
  requestFactsInvalid: 'request-facts-invalid',
} as const);

/** One named-policy reason code. */
export type NamedReason = (typeof NAMED_REASONS)[keyof typeof NAMED_REASONS];

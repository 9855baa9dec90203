/**
 * Reason codes carried by every decision. They appear in the log line and as the `reason` label
 * of gatehouse_auth_decisions_total, so the set is closed and small.
 */
export const REASONS = Object.freeze({
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
  claimControlCharacter: 'claim-control-character',
  sessionMissing: 'session-missing',
  sessionInvalid: 'session-invalid',
  sessionExpired: 'session-expired',
  policyInvalid: 'policy-invalid',
  bearerMissing: 'bearer-missing',
  bearerInvalid: 'bearer-invalid',
  bearerExpired: 'bearer-expired',
  bearerWrongAudience: 'bearer-wrong-audience',
  idpUnavailable: 'idp-unavailable',
  untrustedSource: 'untrusted-source',
  trustedHeadersUnconfigured: 'trusted-headers-unconfigured',
  trustedUserMissing: 'trusted-user-missing',
  trustedHeaderInvalid: 'trusted-header-invalid',
  backendRefused: 'backend-refused',
  backendUnavailable: 'backend-unavailable',
  storeUnavailable: 'store-unavailable',
  proxyUntrusted: 'proxy-untrusted',
  forwardedRequestInvalid: 'forwarded-request-invalid',
  internalError: 'internal-error',
} as const);

/** One reason code. */
export type Reason = (typeof REASONS)[keyof typeof REASONS];

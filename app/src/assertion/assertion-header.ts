/** The names an upstream meets a signed identity assertion by. */

/** The header carrying the assertion on an allowed check (and, in sidecar mode, on the request to the app). */
export const ASSERTION_HEADER = 'X-Gatehouse-Assertion';

/** The JOSE `typ` of an assertion (RFC 8725 §3.11), so it cannot pass for any other JWT. */
export const ASSERTION_TYPE = 'gatehouse-assertion+jwt';

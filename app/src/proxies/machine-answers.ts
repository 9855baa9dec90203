/**
 * Answers machines understand (RFC 6750 §3): a 401 for a client that is not a browser navigation
 * carries `WWW-Authenticate: Bearer realm="gatehouse"`, with `error="invalid_token"` and an
 * `error_description` when the token it sent was refused (no error attributes when it sent none),
 * and a 403 for a token lacking a route's scope says `error="insufficient_scope"` with the `scope`
 * the route accepts. Proxies that hand gatehouse's answer to the client also get the same as a small
 * JSON body, `{"error", "error_description"}`. The descriptions are fixed sentences chosen by
 * reason: they never echo the token, a claim or a secret. Every answer is built once, at start-up
 * or once per route's scope list, never per request.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { REASONS, type Reason } from '../policy/reasons.ts';

/** The realm of every challenge. */
export const REALM = 'gatehouse';

/** The sources whose clients send `Authorization: Bearer`: with one of them, machines get RFC 6750's challenge. */
const TOKEN_SOURCES: ReadonlySet<string> = new Set(['bearer', 'introspection', 'serviceaccount']);

/** Whether a deployment takes Bearer tokens, so that RFC 6750's challenge names a scheme it accepts. */
export function acceptsTokens(sources: readonly string[]): boolean {
  return sources.some((source) => TOKEN_SOURCES.has(source));
}

/** A machine's answer: the WWW-Authenticate value and the JSON body. */
export interface MachineAnswer {
  readonly challenge: string;
  readonly body: string;
}

/** Why a token was refused, in words that name no token content. */
const TOKEN_PROBLEMS: Partial<Record<Reason, string>> = {
  [REASONS.bearerInvalid]: 'the access token is not valid',
  [REASONS.bearerExpired]: 'the access token has expired',
  [REASONS.bearerWrongAudience]: 'the access token was not issued for this service',
  [REASONS.bearerUnknownIssuer]: 'the access token was issued by an issuer this service does not trust',
  [REASONS.tokenInactive]: 'the access token is not active',
  [REASONS.serviceAccountInvalid]: 'the ServiceAccount token is not valid',
  [REASONS.serviceAccountExpired]: 'the ServiceAccount token has expired',
  [REASONS.serviceAccountWrongAudience]: 'the ServiceAccount token was not issued for this service',
};

/** Why there is no identity when no token was refused. */
const OTHER_PROBLEMS: Partial<Record<Reason, string>> = {
  [REASONS.sessionExpired]: 'the session has expired; sign in again',
  [REASONS.sessionInvalid]: 'the session is not valid; sign in again',
};
const NO_CREDENTIALS = 'authentication is required';

function answer(challenge: string, body: Record<string, string>): MachineAnswer {
  return Object.freeze({ challenge, body: JSON.stringify(body) });
}

const ANSWERS = new Map<Reason | undefined, MachineAnswer>();
for (const [reason, description] of Object.entries(TOKEN_PROBLEMS) as Array<[Reason, string]>) {
  ANSWERS.set(reason, answer(`Bearer realm="${REALM}", error="invalid_token", error_description="${description}"`, { error: 'invalid_token', error_description: description }));
}
for (const [reason, description] of Object.entries(OTHER_PROBLEMS) as Array<[Reason, string]>) {
  ANSWERS.set(reason, answer(`Bearer realm="${REALM}"`, { error: 'unauthorized', error_description: description }));
}
const UNAUTHORIZED = answer(`Bearer realm="${REALM}"`, { error: 'unauthorized', error_description: NO_CREDENTIALS });

/**
 * The 401 answer for the reasons of an unauthenticated outcome: `invalid_token` when a token was
 * judged and refused, a bare challenge otherwise (no token, or one the route does not accept).
 */
export function unauthenticatedAnswer(reasons: readonly Reason[]): MachineAnswer {
  for (const reason of reasons) {
    const known = ANSWERS.get(reason);
    if (known !== undefined) return known;
  }
  return UNAUTHORIZED;
}

const INSUFFICIENT = 'the access token does not grant a scope this route requires';
const byScopes = new WeakMap<readonly string[], MachineAnswer>();

/**
 * The 403 answer for a token lacking the route's scope; `scopes` were checked at parse time to hold
 * only characters RFC 6749 allows, so they can be quoted as they are.
 */
export function insufficientScopeAnswer(scopes: readonly string[]): MachineAnswer {
  let known = byScopes.get(scopes);
  if (known === undefined) {
    const scope = scopes.join(' ');
    known = answer(`Bearer realm="${REALM}", error="insufficient_scope", error_description="${INSUFFICIENT}", scope="${scope}"`, {
      error: 'insufficient_scope',
      error_description: INSUFFICIENT,
      scope,
    });
    byScopes.set(scopes, known);
  }
  return known;
}

/** The scopes the route required when a token was refused for lacking them; undefined otherwise. */
export function missingScopes(reasons: readonly Reason[], allowedScopes: readonly string[] | undefined): readonly string[] | undefined {
  return allowedScopes !== undefined && reasons.includes(REASONS.scopeInsufficient) ? allowedScopes : undefined;
}

/**
 * Whether a request comes from a machine rather than a browser navigation: it carries
 * `Authorization` (a browser never adds one to a navigation by itself), or `wantsPage` says the
 * client does not ask for a page (no `Accept: text/html`, an XHR, a `Sec-Fetch-Mode` other than navigate).
 */
export function isMachine(headers: IncomingHttpHeaders, wantsPage: boolean): boolean {
  return !wantsPage || headers.authorization !== undefined;
}

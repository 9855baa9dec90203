/**
 * The EventStoreDB / KurrentDB trusted-intermediary header: `user; role1, role2`, or `user` alone
 * without roles. The database believes it entirely — it splits the first value at `;` (more than
 * two parts is a 401), takes the user as it stands and each `,`-separated role trimmed — so a
 * value that could be read differently is never produced: a user or role holding `;`, `,`, a
 * control character (C0, DEL, C1), a line or paragraph separator, a bidirectional override, or
 * surrounding whitespace is refused with a reason code (403), never cleaned up and emitted.
 *
 * Roles come only from the identity model's explicit mappings (group_mappings, role_mappings,
 * default_roles): `formatTrustedAuth` takes no groups at all, so a raw group name — `$admins`
 * included — can never become a role here; `$admins` and `$ops` reach the header only when a
 * mapping names them. Pure; never throws.
 */

/** The header names the databases read: EventStoreDB's, and KurrentDB's (which still reads the old one). */
export const TRUSTED_AUTH_HEADER_NAMES = Object.freeze(['ES-TrustedAuth', 'Kurrent-TrustedAuth'] as const);

/** One of {@link TRUSTED_AUTH_HEADER_NAMES}. */
export type TrustedAuthHeaderName = (typeof TRUSTED_AUTH_HEADER_NAMES)[number];

/** EventStoreDB's name, read by both databases. */
export const DEFAULT_TRUSTED_AUTH_HEADER: TrustedAuthHeaderName = 'ES-TrustedAuth';

/** Why a user or role cannot be put in the header. */
export type TrustedAuthRefusal =
  | 'user_empty'
  | 'user_separator'
  | 'user_control_character'
  | 'user_surrounding_whitespace'
  /** A `$` name (`$admins`, `$ops`, `$all`): ACLs list users and roles side by side. */
  | 'user_system_name'
  | 'role_empty'
  | 'role_separator'
  | 'role_control_character'
  | 'role_surrounding_whitespace'
  | 'header_too_long';

/** The header value, or why there is none. */
export type TrustedAuthResult =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly reason: TrustedAuthRefusal; /** Position of the refused role in the input. */ readonly role?: number };

/** Well under nginx's 8 KiB header buffers, with room for the other identity headers. */
const MAX_VALUE_LENGTH = 4096;

const SEPARATOR = /[;,]/;
// Cc is C0, DEL and C1; then line and paragraph separators, bidirectional embeddings, overrides and
// isolates (they make a name read differently than it is), and the byte-order mark.
const CONTROL = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/u;
// JavaScript's \s is Unicode whitespace; .NET's Trim, which the database applies to roles, is too.
const SURROUNDING_WHITESPACE = /^\s|\s$/u;

type Problem = 'empty' | 'separator' | 'control_character' | 'surrounding_whitespace';

function problemOf(name: string): Problem | undefined {
  if (name.length === 0) return 'empty';
  if (CONTROL.test(name)) return 'control_character';
  if (SEPARATOR.test(name)) return 'separator';
  return SURROUNDING_WHITESPACE.test(name) ? 'surrounding_whitespace' : undefined;
}

/**
 * The header value for `user` with `mappedRoles`, repeats dropped and order kept.
 * @param mappedRoles - the roles the identity model computed from explicit mappings; never raw groups
 */
export function formatTrustedAuth(user: string, mappedRoles: readonly string[]): TrustedAuthResult {
  if (typeof user !== 'string') return { ok: false, reason: 'user_empty' };
  const userProblem = problemOf(user);
  if (userProblem) return { ok: false, reason: `user_${userProblem}` };
  if (user.startsWith('$')) return { ok: false, reason: 'user_system_name' };
  const roles: string[] = [];
  for (const [index, role] of (Array.isArray(mappedRoles) ? mappedRoles : []).entries()) {
    const roleProblem = typeof role === 'string' ? problemOf(role) : 'empty';
    if (roleProblem) return { ok: false, reason: `role_${roleProblem}`, role: index };
    if (!roles.includes(role)) roles.push(role);
  }
  const value = roles.length === 0 ? user : `${user}; ${roles.join(', ')}`;
  return value.length > MAX_VALUE_LENGTH ? { ok: false, reason: 'header_too_long' } : { ok: true, value };
}

/**
 * The configured header name, spelled as the database spells it; undefined means the default.
 * @throws Error naming the accepted names, for anything else (a configuration error)
 */
export function trustedAuthHeaderName(configured: string | undefined): TrustedAuthHeaderName {
  if (configured === undefined || configured === '') return DEFAULT_TRUSTED_AUTH_HEADER;
  const found = TRUSTED_AUTH_HEADER_NAMES.find((name) => name.toLowerCase() === configured.toLowerCase());
  if (!found) throw new Error(`trusted-auth header must be one of ${TRUSTED_AUTH_HEADER_NAMES.join(', ')}, not ${JSON.stringify(configured)}`);
  return found;
}

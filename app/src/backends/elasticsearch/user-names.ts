/**
 * Which usernames the backend may write, decided before anything is sent: Elastic's built-in
 * users, its internal users, names on the configured deny-list, and names that cannot work as a
 * native user behind a Basic header are refused here, with no call to Elasticsearch. A 400 from
 * Elasticsearch for a name this list does not know (a custom anonymous user, say) is honoured
 * too (security-api.ts).
 */
import type { RefusalReason } from '../errors.ts';

/** Elastic's reserved built-in users: the API lets no one change anything but their password. */
export const RESERVED_USERS: readonly string[] = Object.freeze([
  'elastic',
  'kibana',
  'kibana_system',
  'logstash_system',
  'beats_system',
  'apm_system',
  'remote_monitoring_user',
]);

/** The longest native username Elasticsearch accepts. */
const MAX_USERNAME = 507;

/**
 * Why `username` may not be written, or undefined when it may.
 * @param denied - more names never to write (exact match), from configuration
 */
export function usernameRefusal(username: string, denied: ReadonlySet<string> = new Set()): RefusalReason | undefined {
  // Elastic's rule: 1 to 507 printable Basic Latin characters, no leading or trailing whitespace.
  if (username.length === 0 || username.length > MAX_USERNAME || !/^[\x20-\x7e]+$/.test(username)) return 'invalid_username';
  if (username.startsWith(' ') || username.endsWith(' ')) return 'invalid_username';
  // Basic splits user from password at the first colon, and get-users reads a comma as a list of
  // names: such a user could never authenticate, or could not be checked before it is written.
  if (username.includes(':') || username.includes(',')) return 'invalid_username';
  // Internal users (_system, _xpack, …) and the default anonymous user all start with "_".
  if (RESERVED_USERS.includes(username) || username.startsWith('_') || denied.has(username)) return 'reserved_user';
  return undefined;
}

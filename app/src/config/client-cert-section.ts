/**
 * The config file's `client_certificates` section: groups given to certificate users by name,
 * beside (or, with GATEHOUSE_CLIENT_CERT_GROUPS=none, instead of) the OUs of their certificates.
 * Read at start-up:
 *
 *   client_certificates:
 *     groups:
 *       alice: [admins]
 *       "Doe, John": [ops, support]
 */

const KEYS = ['groups'];
const MAX_NAME = 255;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses the section (undefined when absent); problems are appended naming the place. */
export function parseClientCertSection(section: unknown, problems: string[]): Readonly<Record<string, readonly string[]>> {
  if (section === undefined || section === null) return {};
  if (!isPlainObject(section)) {
    problems.push('client_certificates: must be a mapping with groups');
    return {};
  }
  for (const key of Object.keys(section)) if (!KEYS.includes(key)) problems.push(`client_certificates: unknown key "${key}"; known: ${KEYS.join(', ')}`);
  const groups = section.groups ?? {};
  if (!isPlainObject(groups)) {
    problems.push('client_certificates.groups: must map a certificate username to a list of groups');
    return {};
  }
  const byUser: Record<string, readonly string[]> = {};
  for (const [user, list] of Object.entries(groups)) {
    const where = `client_certificates.groups.${JSON.stringify(user)}`;
    const names = typeof list === 'string' ? [list] : list;
    // A comma would split the group in X-Auth-Request-Groups, which joins groups with commas.
    if (!Array.isArray(names) || !names.every((g) => typeof g === 'string' && g.trim() !== '' && !g.includes(',') && [...g].length <= MAX_NAME && !/\p{Cc}/u.test(g))) {
      problems.push(`${where}: must be a list of group names (non-empty, no comma or control character, at most ${MAX_NAME} characters)`);
      continue;
    }
    byUser[user] = Object.freeze([...new Set(names as string[])]);
  }
  return byUser;
}

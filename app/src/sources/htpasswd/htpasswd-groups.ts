/**
 * The config file's `htpasswd` section: the groups of htpasswd users, as an htpasswd file has
 * none of its own (`htpasswd: { groups: { admins: [alice, bob] } }`). Reloaded with the file, like
 * the rest of the identity model; every problem names its path.
 */
import { isPlainObject } from '../../identity/role-mapping/config-path.ts';

/** The groups of each user, in the order the section lists them. */
export type HtpasswdGroups = ReadonlyMap<string, readonly string[]>;

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'must be a non-empty string';
  if (name.length > 256) return 'is longer than 256 characters';
  if (CONTROL.test(name) || name.trim() !== name) return 'holds a control character or surrounding spaces';
  return undefined;
}

/** Parses the section; problems are appended. */
export function parseHtpasswdGroups(section: unknown, problems: string[]): HtpasswdGroups {
  const byUser = new Map<string, string[]>();
  if (section === undefined || section === null) return byUser;
  if (!isPlainObject(section)) {
    problems.push('htpasswd: must be a mapping with a groups key');
    return byUser;
  }
  for (const key of Object.keys(section)) if (key !== 'groups') problems.push(`htpasswd.${key}: unknown key; the section holds only groups`);
  const groups = section.groups;
  if (groups === undefined || groups === null) return byUser;
  if (!isPlainObject(groups)) {
    problems.push('htpasswd.groups: must map each group to a list of htpasswd users');
    return byUser;
  }
  for (const [group, members] of Object.entries(groups)) {
    const groupProblem = nameProblem(group) ?? (group.includes(',') ? 'holds a comma, which separates groups in X-Auth-Request-Groups' : undefined);
    if (groupProblem) problems.push(`htpasswd.groups: group ${JSON.stringify(group)} ${groupProblem}`);
    if (!Array.isArray(members)) {
      problems.push(`htpasswd.groups.${group}: must be a list of users`);
      continue;
    }
    members.forEach((user: unknown, index) => {
      const problem = nameProblem(user);
      if (problem) problems.push(`htpasswd.groups.${group}[${index}]: ${problem}`);
      else if (!groupProblem) {
        const list = byUser.get(user as string) ?? [];
        if (!list.includes(group)) list.push(group);
        byUser.set(user as string, list);
      }
    });
  }
  return byUser;
}

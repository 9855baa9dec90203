/**
 * A user's groups, nested ones included, by iterative search: the groups that list the user's DN
 * as a member, then the groups that list those groups, level by level, each level one search (its
 * DNs OR-ed, in batches). This works on every directory as it comes (OpenLDAP without the memberof
 * overlay, which in any case lists direct memberships only; Active Directory; 389-ds), reads only
 * groups under the configured group base, and is bounded: 8 levels, 1000 groups, a cycle visited
 * once. Values are sent as BER equality assertions, so a DN with escaped characters needs no
 * filter escaping at all.
 */
import type { Client, Entry, EqualityFilter } from 'ldapts';
import type { LdapGroupSettings } from '../../config/validate-ldap.ts';
import { ldapPackage } from '../../optional-packages.ts';
import { firstValue } from './ldap-entry.ts';

/** One group found. */
export interface LdapGroup {
  readonly dn: string;
  readonly cn: string | undefined;
}

/** Levels of nesting followed below the user's own groups. */
export const MAX_NESTING = 8;
/** Groups read at most for one user. */
export const MAX_GROUPS = 1000;
/** Member DNs OR-ed in one search. */
const BATCH = 50;

/** Finds every group `userDn` belongs to, directly or through other groups. */
export async function findGroups(client: Client, userDn: string, settings: LdapGroupSettings, timeLimitSeconds: number): Promise<LdapGroup[]> {
  const { AndFilter, EqualityFilter, OrFilter } = ldapPackage();
  const seen = new Set<string>();
  const groups: LdapGroup[] = [];
  let frontier = [userDn];
  for (let level = 0; level <= MAX_NESTING && frontier.length > 0 && groups.length < MAX_GROUPS; level++) {
    const next: string[] = [];
    for (let at = 0; at < frontier.length; at += BATCH) {
      const members = frontier.slice(at, at + BATCH).map((dn) => new EqualityFilter({ attribute: settings.memberAttribute, value: dn }));
      const filter = new AndFilter({
        filters: [new EqualityFilter({ attribute: 'objectClass', value: settings.objectClass }), members.length === 1 ? (members[0] as EqualityFilter) : new OrFilter({ filters: members })],
      });
      const { searchEntries } = await client.search(settings.baseDn, {
        scope: 'sub',
        filter,
        attributes: ['cn'],
        sizeLimit: MAX_GROUPS,
        timeLimit: timeLimitSeconds,
      });
      for (const entry of searchEntries as Entry[]) {
        // DNs compare case-insensitively; the directory writes one spelling per entry.
        const key = entry.dn.toLowerCase();
        if (seen.has(key) || groups.length >= MAX_GROUPS) continue;
        seen.add(key);
        groups.push({ dn: entry.dn, cn: firstValue(entry, 'cn') });
        next.push(entry.dn);
      }
    }
    frontier = next;
  }
  return groups;
}

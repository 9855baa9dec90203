/**
 * The ldap source's settings: the URL and its TLS, the search account (never an anonymous or
 * unauthenticated bind), the DNs, the user filter template and attribute names. Every problem is
 * appended naming its variable; nothing throws.
 */
import { readFileSync } from 'node:fs';
import { parseDn } from '../identity/role-mapping/distinguished-name.ts';
import { userFilterProblem } from '../sources/ldap/ldap-filter.ts';
import type { CleanedEnv } from './schema.ts';
import { checkPemBundle } from './validate-outbound.ts';

/** How groups are read and shown. */
export interface LdapGroupSettings {
  readonly baseDn: string;
  readonly objectClass: string;
  readonly memberAttribute: string;
  /** cn: the group's cn attribute; dn: its DN. */
  readonly name: 'cn' | 'dn';
}

/** The ldap source. */
export interface LdapSettings {
  /** ldap: or ldaps:, scheme, host and port only. */
  readonly url: URL;
  readonly startTls: boolean;
  /** The CA bundle trusted for the directory instead of the system's. */
  readonly caPem: string | undefined;
  readonly bindDn: string;
  readonly bindPassword: string;
  readonly baseDn: string;
  /** The filter template with `{login}`. */
  readonly userFilter: string;
  readonly usernameAttribute: string;
  readonly emailAttribute: string | undefined;
  readonly nameAttribute: string | undefined;
  readonly groups: LdapGroupSettings;
  readonly requiredGroup: string | undefined;
  readonly timeoutMs: number;
  readonly cacheTtlMs: number;
}

const ATTRIBUTE = /^(?:[A-Za-z][A-Za-z0-9-]{0,63}|\d+(?:\.\d+){1,30})$/;

function url(raw: string, problems: string[]): URL | undefined {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    problems.push(`GATEHOUSE_LDAP_URL: "${raw}" is not a URL (e.g. ldaps://ldap.example.com)`);
    return undefined;
  }
  if (parsed.protocol !== 'ldap:' && parsed.protocol !== 'ldaps:') problems.push('GATEHOUSE_LDAP_URL must be ldaps://host[:port] or ldap://host[:port]');
  if (parsed.username || parsed.password) problems.push('GATEHOUSE_LDAP_URL must not hold credentials; use GATEHOUSE_LDAP_BIND_DN and GATEHOUSE_LDAP_BIND_PASSWORD_FILE');
  if ((parsed.pathname !== '' && parsed.pathname !== '/') || parsed.search || parsed.hash) {
    problems.push('GATEHOUSE_LDAP_URL must name only the server; the base DN is GATEHOUSE_LDAP_BASE_DN');
  }
  if (parsed.hostname === '') problems.push('GATEHOUSE_LDAP_URL has no host');
  return parsed;
}

function dn(name: string, value: string, problems: string[]): void {
  if (!parseDn(value)) problems.push(`${name}: "${value}" is not a distinguished name (e.g. ou=people,dc=example,dc=com)`);
}

function attribute(name: string, value: string, problems: string[]): void {
  if (!ATTRIBUTE.test(value)) problems.push(`${name}: "${value}" is not an attribute name`);
}

function readCa(path: string, problems: string[]): string | undefined {
  if (!path) return undefined;
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`GATEHOUSE_LDAP_CA_FILE: cannot read ${JSON.stringify(path)} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    return undefined;
  }
  checkPemBundle('GATEHOUSE_LDAP_CA_FILE', pem, problems);
  return pem;
}

/** Builds the ldap settings when the source is listed; the required variables were checked already. */
export function validateLdap(env: CleanedEnv, listed: boolean, problems: string[]): LdapSettings | undefined {
  if (!listed) return undefined;
  const raw = env.GATEHOUSE_LDAP_URL;
  const bindDn = env.GATEHOUSE_LDAP_BIND_DN;
  const bindPassword = env.GATEHOUSE_LDAP_BIND_PASSWORD;
  const baseDn = env.GATEHOUSE_LDAP_BASE_DN;
  if (!raw || !bindDn || !bindPassword || !baseDn) return undefined;
  const parsed = url(raw, problems);
  const startTls = env.GATEHOUSE_LDAP_START_TLS;
  if (parsed?.protocol === 'ldaps:' && startTls) problems.push('GATEHOUSE_LDAP_START_TLS is for ldap:// URLs; an ldaps:// connection is TLS from the start');
  if (parsed?.protocol === 'ldap:' && !startTls && !env.GATEHOUSE_LDAP_ALLOW_PLAINTEXT) {
    problems.push('GATEHOUSE_LDAP_URL is ldap:// without GATEHOUSE_LDAP_START_TLS: passwords would cross the network in clear text; use ldaps:// or StartTLS (GATEHOUSE_LDAP_ALLOW_PLAINTEXT=true only for a directory on loopback)');
  }
  dn('GATEHOUSE_LDAP_BIND_DN', bindDn, problems);
  dn('GATEHOUSE_LDAP_BASE_DN', baseDn, problems);
  const groupBaseDn = env.GATEHOUSE_LDAP_GROUP_BASE_DN || baseDn;
  if (env.GATEHOUSE_LDAP_GROUP_BASE_DN) dn('GATEHOUSE_LDAP_GROUP_BASE_DN', groupBaseDn, problems);
  const requiredGroup = env.GATEHOUSE_LDAP_REQUIRED_GROUP || undefined;
  if (requiredGroup) dn('GATEHOUSE_LDAP_REQUIRED_GROUP', requiredGroup, problems);
  const filterProblem = userFilterProblem(env.GATEHOUSE_LDAP_USER_FILTER);
  if (filterProblem) problems.push(`GATEHOUSE_LDAP_USER_FILTER ${filterProblem}`);
  attribute('GATEHOUSE_LDAP_USERNAME_ATTRIBUTE', env.GATEHOUSE_LDAP_USERNAME_ATTRIBUTE, problems);
  if (env.GATEHOUSE_LDAP_EMAIL_ATTRIBUTE) attribute('GATEHOUSE_LDAP_EMAIL_ATTRIBUTE', env.GATEHOUSE_LDAP_EMAIL_ATTRIBUTE, problems);
  if (env.GATEHOUSE_LDAP_NAME_ATTRIBUTE) attribute('GATEHOUSE_LDAP_NAME_ATTRIBUTE', env.GATEHOUSE_LDAP_NAME_ATTRIBUTE, problems);
  attribute('GATEHOUSE_LDAP_GROUP_OBJECT_CLASS', env.GATEHOUSE_LDAP_GROUP_OBJECT_CLASS, problems);
  attribute('GATEHOUSE_LDAP_GROUP_MEMBER_ATTRIBUTE', env.GATEHOUSE_LDAP_GROUP_MEMBER_ATTRIBUTE, problems);
  if (env.GATEHOUSE_LDAP_CACHE_TTL > 3_600_000) problems.push('GATEHOUSE_LDAP_CACHE_TTL must be at most 1h: a disabled account stays usable that long');
  const caPem = readCa(env.GATEHOUSE_LDAP_CA_FILE, problems);
  if (!parsed) return undefined;
  return {
    url: parsed,
    startTls,
    caPem,
    bindDn,
    bindPassword,
    baseDn,
    userFilter: env.GATEHOUSE_LDAP_USER_FILTER,
    usernameAttribute: env.GATEHOUSE_LDAP_USERNAME_ATTRIBUTE,
    emailAttribute: env.GATEHOUSE_LDAP_EMAIL_ATTRIBUTE || undefined,
    nameAttribute: env.GATEHOUSE_LDAP_NAME_ATTRIBUTE || undefined,
    groups: {
      baseDn: groupBaseDn,
      objectClass: env.GATEHOUSE_LDAP_GROUP_OBJECT_CLASS,
      memberAttribute: env.GATEHOUSE_LDAP_GROUP_MEMBER_ATTRIBUTE,
      name: env.GATEHOUSE_LDAP_GROUP_NAME as 'cn' | 'dn',
    },
    requiredGroup,
    timeoutMs: env.GATEHOUSE_LDAP_TIMEOUT,
    cacheTtlMs: env.GATEHOUSE_LDAP_CACHE_TTL,
  };
}

/**
 * The password sources on `Authorization: Basic`: the challenge's realm, the brute-force limits,
 * the ldap source's settings and the htpasswd file (read and checked here, so `--check-config`
 * names every refused entry). Every problem is appended naming its variable; nothing throws.
 */
import type { SourceName } from './identity-sources.ts';
import type { CleanedEnv } from './schema.ts';
import { validateLdap, type LdapSettings } from './validate-ldap.ts';
import type { AttemptLimits } from '../sources/basic/attempt-limiter.ts';
import { readHtpasswdFile } from '../sources/htpasswd/htpasswd-users.ts';

/** What both password sources share. */
export interface BasicSettings {
  /** The realm of `WWW-Authenticate: Basic`. */
  readonly realm: string;
  readonly limits: AttemptLimits;
}

/** The htpasswd source. */
export interface HtpasswdSettings {
  readonly file: string;
  /** How often the file is checked for changes. */
  readonly pollMs: number;
}

/** The password sources' part of the Config. */
export interface PasswordSourceSettings {
  readonly basic: BasicSettings;
  readonly ldap: LdapSettings | undefined;
  readonly htpasswd: HtpasswdSettings | undefined;
}

// A quoted-string without the characters that would need escaping (RFC 9110 §5.6.4).
const REALM = /^[\x20\x21\x23-\x5b\x5d-\x7e]{1,128}$/;
/** The htpasswd file is polled this often when the config file is not polled at all. */
const DEFAULT_POLL_MS = 2000;

/** Validates the password sources' settings. */
export function validatePasswordSources(env: CleanedEnv, sources: readonly SourceName[], problems: string[]): PasswordSourceSettings {
  const realm = env.GATEHOUSE_BASIC_REALM;
  if (!REALM.test(realm)) problems.push('GATEHOUSE_BASIC_REALM must be 1 to 128 printable ASCII characters without " or \\');
  const ldapListed = sources.includes('ldap');
  const htpasswdListed = sources.includes('htpasswd');
  if (ldapListed && htpasswdListed) {
    problems.push('GATEHOUSE_IDENTITY_SOURCES lists both ldap and htpasswd: both read Authorization: Basic and the first would decide alone (an invalid credential never falls through); list one');
  }
  let htpasswd: HtpasswdSettings | undefined;
  const file = env.GATEHOUSE_HTPASSWD_FILE;
  if (htpasswdListed && file) {
    readHtpasswdFile(file, problems);
    htpasswd = { file, pollMs: env.GATEHOUSE_CONFIG_RELOAD_INTERVAL || DEFAULT_POLL_MS };
  }
  return {
    basic: {
      realm,
      limits: {
        perUser: env.GATEHOUSE_BASIC_MAX_FAILURES_PER_USER,
        perClient: env.GATEHOUSE_BASIC_MAX_FAILURES_PER_CLIENT,
        windowMs: env.GATEHOUSE_BASIC_FAILURE_WINDOW,
      },
    },
    ldap: validateLdap(env, ldapListed, problems),
    htpasswd,
  };
}

/**
 * Environment variables of the password sources on `Authorization: Basic` (ldap, htpasswd): the
 * challenge's realm, the brute-force limits both share, and the htpasswd file.
 */
import { str } from 'envalid';
import { duration, positiveInt } from './validators.ts';

/** The envalid specification of the Basic-credential variables. */
export const BASIC_SCHEMA = {
  GATEHOUSE_BASIC_REALM: str({
    desc: 'ldap and htpasswd sources: the realm of the WWW-Authenticate: Basic challenge a 401 carries (with charset="UTF-8"); printable ASCII without quotes or backslashes',
    default: 'gatehouse',
    example: 'EventStoreDB',
  }),
  GATEHOUSE_BASIC_MAX_FAILURES_PER_USER: positiveInt({
    desc: 'ldap and htpasswd sources: failed password attempts one login may have in GATEHOUSE_BASIC_FAILURE_WINDOW; beyond it every attempt for that login answers 429 with Retry-After until the window ends, a right password included',
    default: 5,
  }),
  GATEHOUSE_BASIC_MAX_FAILURES_PER_CLIENT: positiveInt({
    desc: 'ldap and htpasswd sources: failed password attempts one client address (an IPv6 address by its /64) may have in GATEHOUSE_BASIC_FAILURE_WINDOW, over every login; the address is X-Real-IP at /oauth2/auth and the trusted proxy\'s client address at forward-auth and ext-authz',
    default: 20,
  }),
  GATEHOUSE_BASIC_FAILURE_WINDOW: duration({
    desc: 'ldap and htpasswd sources: the window failed attempts are counted in, from the first failure; shared by every replica through Redis when GATEHOUSE_SESSION_STORE=redis',
    default: 600_000,
    example: '10m',
  }),
  GATEHOUSE_HTPASSWD_FILE: str({
    desc: 'htpasswd source: the users file (htpasswd -B, or -2/-5 for SHA-256/512-crypt); MD5-crypt ($apr1$), {SHA}, crypt(3) DES and plaintext entries are refused. Checked for changes every GATEHOUSE_CONFIG_RELOAD_INTERVAL (2s when that is 0); groups come from the config file\'s htpasswd section',
    default: undefined,
    example: '/etc/gatehouse/htpasswd/users',
  }),
};

/**
 * Environment variables of the ldap source: where the directory is and how to reach it, the
 * search account, how a login is found and its groups are read, and the principal cache.
 */
import { bool, str } from 'envalid';
import { duration, durationOrOff } from './validators.ts';

/** The envalid specification of the LDAP variables. */
export const LDAP_SCHEMA = {
  GATEHOUSE_LDAP_URL: str({
    desc: 'ldap source: the directory, ldaps://host[:636] (TLS from the start) or ldap://host[:389] (then GATEHOUSE_LDAP_START_TLS, or GATEHOUSE_LDAP_ALLOW_PLAINTEXT for a local test directory)',
    default: undefined,
    example: 'ldaps://ldap.example.com',
  }),
  GATEHOUSE_LDAP_START_TLS: bool({ desc: 'ldap source: upgrade an ldap:// connection with StartTLS before anything is sent', default: false }),
  GATEHOUSE_LDAP_ALLOW_PLAINTEXT: bool({
    desc: 'ldap source: allow an ldap:// URL without StartTLS, passwords in clear text on the wire; only for a directory on loopback or in the same pod',
    default: false,
  }),
  GATEHOUSE_LDAP_CA_FILE: str({
    desc: 'ldap source: PEM bundle trusted for the directory\'s certificate (LDAPS and StartTLS) instead of the system CAs; the certificate\'s name must match the URL\'s host',
    default: '',
    example: '/etc/gatehouse/ldap/ca.crt',
  }),
  GATEHOUSE_LDAP_BIND_DN: str({
    desc: 'ldap source: the search account\'s DN (EventStoreDB\'s BindUser); it needs read access to users and groups',
    default: undefined,
    example: 'cn=gatehouse,ou=services,dc=example,dc=com',
  }),
  GATEHOUSE_LDAP_BIND_PASSWORD: str({
    desc: 'ldap source: the search account\'s password (or GATEHOUSE_LDAP_BIND_PASSWORD_FILE)',
    default: undefined,
  }),
  GATEHOUSE_LDAP_BASE_DN: str({
    desc: 'ldap source: where users are searched, the whole subtree',
    default: undefined,
    example: 'ou=people,dc=example,dc=com',
  }),
  GATEHOUSE_LDAP_USER_FILTER: str({
    desc: 'ldap source: the user search filter (object class and login attribute, as EventStoreDB\'s ObjectClass and Filter); {login} is replaced by the login, escaped as RFC 4515 says, so * ( ) \\ never widen it. Exactly one entry must match; add a clause to leave disabled accounts out',
    default: '(&(objectClass=person)(uid={login}))',
    example: '(&(objectClass=user)(sAMAccountName={login})(!(userAccountControl:1.2.840.113556.1.4.803:=2)))',
  }),
  GATEHOUSE_LDAP_USERNAME_ATTRIBUTE: str({
    desc: 'ldap source: the attribute of the found entry that becomes the username (its spelling from the directory, not as typed)',
    default: 'uid',
    example: 'sAMAccountName',
  }),
  GATEHOUSE_LDAP_EMAIL_ATTRIBUTE: str({ desc: 'ldap source: the attribute holding the email address; empty for none', default: 'mail' }),
  GATEHOUSE_LDAP_NAME_ATTRIBUTE: str({ desc: 'ldap source: the attribute holding the full name; empty for none', default: 'cn' }),
  GATEHOUSE_LDAP_GROUP_BASE_DN: str({
    desc: 'ldap source: where groups are searched (the whole subtree); GATEHOUSE_LDAP_BASE_DN when empty. Only groups under it count',
    default: '',
    example: 'ou=groups,dc=example,dc=com',
  }),
  GATEHOUSE_LDAP_GROUP_OBJECT_CLASS: str({ desc: 'ldap source: the object class of groups (groupOfNames, groupOfUniqueNames, group)', default: 'groupOfNames' }),
  GATEHOUSE_LDAP_GROUP_MEMBER_ATTRIBUTE: str({
    desc: 'ldap source: the group attribute listing member DNs (member, uniqueMember); groups that are members of groups count too, up to 8 levels deep',
    default: 'member',
  }),
  GATEHOUSE_LDAP_GROUP_NAME: str({
    desc: 'ldap source: how a group appears on the identity: cn (its cn attribute, for allowed_groups and group_mappings by name) or dn (its DN, for group_mappings keyed by DN as EventStoreDB\'s LdapGroupRoles and role_mappings on DNs)',
    choices: ['cn', 'dn'],
    default: 'cn',
  }),
  GATEHOUSE_LDAP_REQUIRED_GROUP: str({
    desc: 'ldap source: the DN of a group every user must be a member of, directly or through nested groups (EventStoreDB\'s RequiredGroupDn); others get 401',
    default: '',
    example: 'cn=gatehouse-users,ou=groups,dc=example,dc=com',
  }),
  GATEHOUSE_LDAP_TIMEOUT: duration({
    desc: 'ldap source: upper bound for one sign-in\'s directory work (connect, TLS, binds and searches); after 5 failures in a row the directory is considered down for 30s and checks answer 503 without asking it',
    default: 5000,
    example: '5s',
  }),
  GATEHOUSE_LDAP_CACHE_TTL: durationOrOff({
    desc: 'ldap source: how long a verified login is answered without asking the directory (EventStoreDB\'s PrincipalCacheDurationSec); the password is never kept, only a salted scrypt hash to recognise it; 0 asks the directory every time',
    default: 60_000,
    example: '60s',
  }),
};

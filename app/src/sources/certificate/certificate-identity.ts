/**
 * The identity a verified client certificate names: the username from the subject CN or the first
 * subject alternative name of a configured kind, groups from the OUs and/or the config file's
 * `client_certificates.groups`, the DN for role mappings. A certificate that could be read two
 * ways is unusable, never cleaned up: a control character, line separator or bidirectional
 * override anywhere in the subject or the alternative names, two CNs, a group holding the `,`
 * that X-Auth-Request-Groups joins with. Commas elsewhere are fine: `CN=Doe\, John` is the user
 * `Doe, John`.
 */
import type { Identity } from '../../session/session-record.ts';
import { isValidEmail } from '../trusted-headers/identity-values.ts';
import { attributeValues, type CertificateNames } from './certificate-names.ts';

/** Where the username comes from (GATEHOUSE_CLIENT_CERT_USERNAME). */
export type UsernameSource = 'cn' | 'san-email' | 'san-dns' | 'san-uri';

/** How a certificate's names become an identity. */
export interface IdentityRules {
  readonly username: UsernameSource;
  /** Each OU is a group (GATEHOUSE_CLIENT_CERT_GROUPS=ou). */
  readonly groupsFromOu: boolean;
  /** Extra groups by username, from the config file's client_certificates.groups. */
  readonly groups: ReadonlyMap<string, readonly string[]>;
}

/** The identity, or why the names cannot make one. */
export type NamedIdentity = { readonly ok: true; readonly identity: Identity } | { readonly ok: false; readonly detail: string };

// C0, DEL, C1; line and paragraph separators; bidirectional marks, embeddings, overrides and isolates; BOM.
const UNSAFE = /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/u;
const MAX_NAME = 255;

function codePoint(value: string): string {
  const found = UNSAFE.exec(value)?.[0] ?? '';
  return `U+${(found.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first unsafe value among the names, described without echoing it. */
function unsafeName(names: CertificateNames): string | undefined {
  for (const rdn of names.rdns) for (const a of rdn) if (UNSAFE.test(a.value)) return `the subject's ${a.type} holds ${codePoint(a.value)}`;
  const sans: Array<[string, readonly string[]]> = [['email', names.emails], ['DNS', names.dnsNames], ['URI', names.uris]];
  for (const [kind, values] of sans) for (const v of values) if (UNSAFE.test(v)) return `a ${kind} alternative name holds ${codePoint(v)}`;
  return undefined;
}

function usernameOf(names: CertificateNames, source: UsernameSource): string | { detail: string } {
  if (source === 'cn') {
    const cns = attributeValues(names, 'CN');
    return cns.length === 1 ? (cns[0] as string) : { detail: `the subject has ${cns.length} CNs; the username needs exactly one` };
  }
  const [kind, values] = source === 'san-email' ? ['email', names.emails] : source === 'san-dns' ? ['DNS', names.dnsNames] : ['URI', names.uris];
  return values[0] ?? { detail: `the certificate has no ${kind} alternative name for the username` };
}

function badName(user: string): string | undefined {
  if (user.trim() === '') return 'the username is empty';
  if ([...user].length > MAX_NAME) return `the username is longer than ${MAX_NAME} characters`;
  return user.trim() === user ? undefined : 'the username starts or ends with whitespace';
}

/** Builds the identity of a verified certificate's names. Never throws. */
export function certificateIdentity(names: CertificateNames, rules: IdentityRules): NamedIdentity {
  const unsafe = unsafeName(names);
  if (unsafe !== undefined) return { ok: false, detail: unsafe };
  const user = usernameOf(names, rules.username);
  if (typeof user !== 'string') return { ok: false, detail: user.detail };
  const problem = badName(user);
  if (problem !== undefined) return { ok: false, detail: problem };
  const ous = attributeValues(names, 'OU');
  const groups: string[] = [];
  for (const group of [...(rules.groupsFromOu ? ous : []), ...(rules.groups.get(user) ?? [])]) {
    if (group.includes(',')) return { ok: false, detail: 'an OU holds a comma, which X-Auth-Request-Groups cannot carry; use GATEHOUSE_CLIENT_CERT_GROUPS=none' };
    if (group.trim() === '' || [...group].length > MAX_NAME) return { ok: false, detail: `an OU is empty or longer than ${MAX_NAME} characters` };
    if (!groups.includes(group)) groups.push(group);
  }
  const cns = attributeValues(names, 'CN');
  const email = names.emails.find((e) => isValidEmail(e));
  const identity: Identity = {
    sub: user,
    user,
    email,
    groups,
    preferredUsername: undefined,
    name: cns.length === 1 ? cns[0] : undefined,
    dn: names.dn,
    claims: { dn: names.dn, ou: ous, san_email: names.emails, san_dns: names.dnsNames, san_uri: names.uris },
  };
  return { ok: true, identity };
}

/**
 * One sign-in against the directory, as EventStoreDB's LDAP plugin does it: bind as the search
 * account, search the base DN with the user filter, require exactly one entry, bind as that entry
 * with the password, then (as the search account again) read the groups. Each sign-in is one
 * connection (LDAPS, or StartTLS before anything is sent), bounded as a whole by the timeout.
 * Outcomes are sorted into "refused" (the person's fault: 401) and "unreachable" or "failed" (the
 * directory's or the configuration's: 503), never the other way round.
 */
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { Client, Entry } from 'ldapts';
import type { LdapSettings } from '../../config/validate-ldap.ts';
import { ldapPackage } from '../../optional-packages.ts';
import { findGroups, type LdapGroup } from './ldap-groups.ts';
import { firstValue } from './ldap-entry.ts';
import { userFilter } from './ldap-filter.ts';

/** The user entry the directory accepted the password of. */
export interface LdapUser {
  readonly dn: string;
  readonly username: string;
  readonly email: string | undefined;
  readonly name: string | undefined;
  readonly groups: readonly LdapGroup[];
}

/** Why a sign-in was refused. */
export type LdapRefusal = 'no-entry' | 'ambiguous' | 'wrong-password';

/** The outcome of one sign-in. */
export type DirectoryAnswer =
  | { readonly kind: 'accepted'; readonly user: LdapUser }
  | { readonly kind: 'refused'; readonly why: LdapRefusal }
  /** No answer: connection, TLS or timeout. Counts towards the circuit breaker. */
  | { readonly kind: 'unreachable'; readonly err: Error }
  /** An answer that is not about the person: the search account refused, the base DN missing, … */
  | { readonly kind: 'failed'; readonly err: Error };

/** Result codes of a user bind that mean "this person may not sign in" rather than a fault. */
const REFUSING_CODES: ReadonlySet<number> = new Set([
  49, // invalidCredentials: wrong password, and a ppolicy-locked or AD-disabled account
  48, // inappropriateAuthentication
  50, // insufficientAccessRights
  53, // unwillingToPerform: e.g. an unauthenticated bind, an expired account
  19, // constraintViolation: ppolicy's password-expired
]);

/** Thrown inside a sign-in to carry its outcome out of the connection's try/finally. */
class Outcome extends Error {
  readonly answer: DirectoryAnswer;
  constructor(answer: DirectoryAnswer) {
    super(answer.kind);
    this.answer = answer;
  }
}

/** Signs people in against one directory. */
export type Directory = (login: string, password: string) => Promise<DirectoryAnswer>;

/** Creates the directory client for `settings`, loading the LDAP package when the source is built. */
export function createDirectory(settings: LdapSettings): Directory {
  const ldap = ldapPackage();
  const host = settings.url.hostname.replace(/^\[(.*)\]$/, '$1');
  // The certificate must name the URL's host; SNI only for names (RFC 6066 forbids addresses).
  const tls: ConnectionOptions = {
    ...(settings.caPem !== undefined && { ca: settings.caPem }),
    host,
    ...(isIP(host) === 0 && { servername: host }),
    minVersion: 'TLSv1.2',
  };
  const origin = `${settings.url.protocol}//${settings.url.host}`;
  const timeLimit = Math.max(1, Math.ceil(settings.timeoutMs / 1000));
  const attributes = [settings.usernameAttribute, settings.emailAttribute, settings.nameAttribute].filter((a): a is string => a !== undefined);

  const signIn = async (client: Client, login: string, password: string): Promise<LdapUser> => {
    if (settings.startTls) await client.startTLS({ ...tls });
    await serviceBind(client);
    const { searchEntries } = await client.search(settings.baseDn, { scope: 'sub', filter: userFilter(settings.userFilter, login), attributes, sizeLimit: 2, timeLimit });
    if (searchEntries.length === 0) throw new Outcome({ kind: 'refused', why: 'no-entry' });
    if (searchEntries.length > 1) throw new Outcome({ kind: 'refused', why: 'ambiguous' });
    const entry = searchEntries[0] as Entry;
    // Never an unauthenticated bind: a DN with an empty password is anonymous on many servers.
    if (entry.dn.length === 0 || password.length === 0) throw new Outcome({ kind: 'refused', why: 'no-entry' });
    try {
      await client.bind(entry.dn, password);
    } catch (err) {
      if (err instanceof ldap.ResultCodeError && REFUSING_CODES.has(err.code)) throw new Outcome({ kind: 'refused', why: 'wrong-password' });
      throw err;
    }
    // Groups are read as the search account: users are often not allowed to read groups.
    await serviceBind(client);
    const groups = await findGroups(client, entry.dn, settings.groups, timeLimit);
    return {
      dn: entry.dn,
      username: firstValue(entry, settings.usernameAttribute) ?? login,
      email: settings.emailAttribute ? firstValue(entry, settings.emailAttribute) : undefined,
      name: settings.nameAttribute ? firstValue(entry, settings.nameAttribute) : undefined,
      groups,
    };
  };

  const serviceBind = async (client: Client): Promise<void> => {
    try {
      await client.bind(settings.bindDn, settings.bindPassword);
    } catch (err) {
      if (err instanceof ldap.InvalidCredentialsError) throw new Outcome({ kind: 'failed', err: new Error('the directory refused the search account (GATEHOUSE_LDAP_BIND_DN / _PASSWORD)') });
      throw err;
    }
  };

  return async (login, password) => {
    const client = new ldap.Client({
      url: origin,
      timeout: settings.timeoutMs,
      connectTimeout: settings.timeoutMs,
      ...(settings.url.protocol === 'ldaps:' && { tlsOptions: { ...tls } }),
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from the directory within ${settings.timeoutMs} ms`)), settings.timeoutMs);
    });
    try {
      return { kind: 'accepted', user: await Promise.race([signIn(client, login, password), deadline]) };
    } catch (err) {
      if (err instanceof Outcome) return err.answer;
      // A result code is an answer (the base DN missing, a size limit, …); anything else is no answer.
      if (err instanceof ldap.ResultCodeError) return { kind: 'failed', err };
      return { kind: 'unreachable', err: err instanceof Error ? err : new Error(String(err)) };
    } finally {
      clearTimeout(timer);
      // unbind closes the socket in any case; an already broken one has nothing to say.
      client.unbind().catch(() => {});
    }
  };
}

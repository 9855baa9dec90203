/**
 * A real OpenLDAP slapd (Debian's) for tests, configured from scratch in a temporary folder: a
 * slapd.conf (mdb database, the ppolicy overlay, TLS with the throwaway CA of
 * tls-certificates.ts), seeded offline with slapadd, then run in the foreground (`-d 0`) on two
 * loopback ports (ldap:// with StartTLS, ldaps://) and stopped by its PID. The system's slapd
 * service and /etc/ldap/slapd.d are never touched.
 *
 * The directory is the one the gatehouse tests need: nested groups (and a cycle), a user locked
 * by ppolicy, a DN with an escaped comma, two entries with one uid, and — as many servers do —
 * `allow bind_anon_dn`, under which a bind with a DN and an empty password succeeds as
 * anonymous: the bypass gatehouse must never walk into.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLogged, type LoggedChild } from './child-process.ts';
import { killAtExit, removeAtExit } from './exit-cleanup.ts';
import { freePorts, waitForPort } from './ports.ts';
import { createTestCertificates, type TestCertificates } from './tls-certificates.ts';

/** The suffix of the test directory. */
export const BASE = 'dc=example,dc=test';
export const PEOPLE = `ou=people,${BASE}`;
export const GROUPS = `ou=groups,${BASE}`;

/** Logins and passwords of the seeded users. */
export const USERS = {
  /** The search account gatehouse binds as. */
  service: { dn: `cn=gatehouse,ou=services,${BASE}`, password: 'service-secret-1' },
  alice: { login: 'alice', dn: `uid=alice,${PEOPLE}`, password: 'alice-Passw0rd!' },
  bob: { login: 'bob', dn: `uid=bob,${PEOPLE}`, password: 'bob-Passw0rd!' },
  /** Locked with ppolicy's pwdAccountLockedTime: the password is right, the bind is refused. */
  dora: { login: 'dora', dn: `uid=dora,${PEOPLE}`, password: 'dora-Passw0rd!' },
  /** A DN with an escaped comma. */
  jsmith: { login: 'jsmith', dn: `cn=Smith\\2C John,${PEOPLE}`, password: 'jsmith-Passw0rd!' },
  /** Two entries carry uid=twin: the search must refuse to pick one. */
  twin: { login: 'twin', password: 'twin-Passw0rd!' },
} as const;

/** The directory's root account, for the tests' own look-ups. */
export const ROOT = { dn: `cn=admin,${BASE}`, password: 'root-secret-1' };

const group = (cn: string, members: readonly string[]): string =>
  [`dn: cn=${cn},${GROUPS}`, 'objectClass: groupOfNames', `cn: ${cn}`, ...members.map((m) => `member: ${m}`)].join('\n');

const person = (dn: string, uid: string, cn: string, password: string, extra: readonly string[] = []): string =>
  [`dn: ${dn}`, 'objectClass: inetOrgPerson', `uid: ${uid}`, `cn: ${cn}`, `sn: ${cn.split(' ').pop()}`, `mail: ${uid}@example.test`, `userPassword: ${password}`, ...extra].join('\n');

const SEED = [
  [`dn: ${BASE}`, 'objectClass: dcObject', 'objectClass: organization', 'o: Example', 'dc: example'].join('\n'),
  ...['people', 'groups', 'services', 'policies', 'contractors'].map((ou) => [`dn: ou=${ou},${BASE}`, 'objectClass: organizationalUnit', `ou: ${ou}`].join('\n')),
  [`dn: cn=default,ou=policies,${BASE}`, 'objectClass: pwdPolicy', 'objectClass: device', 'cn: default', 'pwdAttribute: userPassword', 'pwdLockout: TRUE'].join('\n'),
  [`dn: ${USERS.service.dn}`, 'objectClass: inetOrgPerson', 'cn: gatehouse', 'sn: gatehouse', `userPassword: ${USERS.service.password}`].join('\n'),
  person(USERS.alice.dn, 'alice', 'Alice Liddell', USERS.alice.password),
  person(USERS.bob.dn, 'bob', 'Bob Builder', USERS.bob.password),
  person(USERS.dora.dn, 'dora', 'Dora Locked', USERS.dora.password, ['pwdAccountLockedTime: 000001010000Z']),
  person(USERS.jsmith.dn, 'jsmith', 'Smith, John', USERS.jsmith.password),
  person(`uid=twin,${PEOPLE}`, 'twin', 'Twin One', USERS.twin.password),
  person(`uid=twin,ou=contractors,${BASE}`, 'twin', 'Twin Two', USERS.twin.password),
  group('admins', [USERS.alice.dn]),
  // Nested: alice is in staff through admins, and in gatehouse-users through staff.
  group('staff', [`cn=admins,${GROUPS}`, USERS.jsmith.dn]),
  group('gatehouse-users', [`cn=staff,${GROUPS}`]),
  // A cycle, which must be visited once and end.
  group('loop-a', [`cn=loop-b,${GROUPS}`, USERS.alice.dn]),
  group('loop-b', [`cn=loop-a,${GROUPS}`]),
].join('\n\n');

function slapdConf(dir: string, certs: TestCertificates): string {
  return `include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
pidfile ${dir}/slapd.pid
argsfile ${dir}/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload ppolicy
TLSCACertificateFile ${certs.caFile}
TLSCertificateFile ${certs.certFile}
TLSCertificateKeyFile ${certs.keyFile}
allow bind_anon_dn
database mdb
maxsize 10485760
suffix "${BASE}"
rootdn "${ROOT.dn}"
rootpw ${ROOT.password}
directory ${dir}/db
overlay ppolicy
ppolicy_default "cn=default,ou=policies,${BASE}"
access to attrs=userPassword by anonymous auth by * none
access to * by dn.exact="${USERS.service.dn}" read by users read by anonymous auth by * none
`;
}

/** Debian puts slapd and slapadd in /usr/sbin, which a non-login PATH may lack. */
const sbin = (name: string): string => (existsSync(`/usr/sbin/${name}`) ? `/usr/sbin/${name}` : name);

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 20_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${command} failed: ${stderr || error.message}`));
      else resolve();
    });
  });
}

/** A running slapd. */
export interface Slapd {
  /** ldap://127.0.0.1:<port> (plain, or StartTLS). */
  readonly url: string;
  /** ldaps://127.0.0.1:<port>. */
  readonly ldapsUrl: string;
  /** The CA that signed the server certificate. */
  readonly caFile: string;
  readonly pid: number;
  logs(): string;
  /** SIGTERM to its PID, waits for the exit, removes its folders. */
  stop(): Promise<void>;
}

/**
 * Starts slapd; resolves once it accepts connections on both ports.
 * @throws Error with slapd's output when it does not start
 */
export async function startSlapd(): Promise<Slapd> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-slapd-'));
  removeAtExit(dir);
  const certs = await createTestCertificates();
  removeAtExit(certs.dir);
  const conf = join(dir, 'slapd.conf');
  await mkdir(join(dir, 'db'));
  await writeFile(conf, slapdConf(dir, certs));
  await writeFile(join(dir, 'seed.ldif'), `${SEED}\n`);
  await run(sbin('slapadd'), ['-q', '-f', conf, '-l', join(dir, 'seed.ldif')]);
  const [port, tlsPort] = (await freePorts(2)) as [number, number];
  const child: LoggedChild = spawnLogged(sbin('slapd'), ['-d', '0', '-f', conf, '-h', `ldap://127.0.0.1:${port}/ ldaps://127.0.0.1:${tlsPort}/`]);
  killAtExit(child);
  try {
    const abortReason = (): string | undefined => (child.exitStatus() === undefined ? undefined : `slapd exited (${child.exitStatus()})`);
    await waitForPort(port, { abortReason });
    await waitForPort(tlsPort, { abortReason });
  } catch (error) {
    await child.stop('SIGKILL');
    throw new Error(`slapd did not start: ${(error as Error).message}\n${child.logs()}`);
  }
  return {
    url: `ldap://127.0.0.1:${port}`,
    ldapsUrl: `ldaps://127.0.0.1:${tlsPort}`,
    caFile: certs.caFile,
    pid: child.pid,
    logs: () => child.logs(),
    async stop() {
      await child.stop('SIGTERM');
      await rm(dir, { recursive: true, force: true });
      await rm(certs.dir, { recursive: true, force: true });
    },
  };
}

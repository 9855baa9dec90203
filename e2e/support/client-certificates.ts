/**
 * Client certificates for the certificate source's tests, made with the openssl CLI (`openssl ca`,
 * so that validity can lie in the past and a revocation list can be issued): a client CA with an
 * intermediate below it, a second unrelated CA, a server certificate for nginx's TLS listener, and
 * one client certificate per case — valid, with a comma in the CN, expired, from the other CA,
 * without the ClientAuth extended key usage, with ServerAuth too, with a control character or a
 * bidirectional override in the subject, revoked, and one issued by the intermediate. Everything
 * lives in one new temporary directory that {@link ClientCertificates.remove} deletes.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One issued certificate and its key. */
export interface IssuedCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  readonly pem: string;
}

/** The client cases. */
export type ClientCase = 'alice' | 'doe' | 'expired' | 'otherCa' | 'noEku' | 'serverAuth' | 'control' | 'bidi' | 'revoked' | 'viaIntermediate';

/** Everything the tests use. */
export interface ClientCertificates {
  readonly dir: string;
  /** The client CA (a root) and the intermediate it issued. */
  readonly ca: IssuedCertificate;
  readonly intermediate: IssuedCertificate;
  /** An unrelated CA that issued `otherCa`. */
  readonly otherCa: IssuedCertificate;
  /** The client CA alone, the client CA with the intermediate, and both CAs (for nginx's optional_no_ca case). */
  readonly caBundleFile: string;
  readonly caAndIntermediateFile: string;
  readonly bothCasFile: string;
  /** The client CA's revocation list (PEM), revoking `revoked`. */
  readonly crlFile: string;
  /** For a TLS listener on 127.0.0.1 / localhost, signed by the client CA. */
  readonly server: IssuedCertificate;
  readonly clients: Readonly<Record<ClientCase, IssuedCertificate>>;
  remove(): Promise<void>;
}

function openssl(args: readonly string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: 20_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`openssl ${args.slice(0, 2).join(' ')} failed: ${stderr || error.message}`));
      else resolve();
    });
  });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
const CLIENT_EXT = 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n';

/** A CA directory for `openssl ca`: its database, serial and configuration. */
async function caDirectory(dir: string, name: string): Promise<string> {
  const home = join(dir, name);
  await mkdir(join(home, 'newcerts'), { recursive: true });
  await writeFile(join(home, 'index.txt'), '');
  await writeFile(join(home, 'serial'), '1000\n');
  await writeFile(join(home, 'crlnumber'), '01\n');
  await writeFile(
    join(home, 'ca.cnf'),
    [
      '[ ca ]',
      'default_ca = this',
      '[ this ]',
      `dir = ${home}`,
      'database = $dir/index.txt',
      'new_certs_dir = $dir/newcerts',
      'serial = $dir/serial',
      'crlnumber = $dir/crlnumber',
      'certificate = $dir/ca.crt',
      'private_key = $dir/ca.key',
      'default_md = sha256',
      'default_days = 30',
      'default_crl_days = 2',
      'policy = any',
      'unique_subject = no',
      'string_mask = utf8only',
      '[ any ]',
      'commonName = optional',
      '',
    ].join('\n'),
  );
  return home;
}

/** Issues a certificate for `subject` from the CA in `home`; `extensions` are its v3 extensions. */
async function issue(dir: string, home: string, name: string, subject: string, extensions: string, validity: readonly string[] = ['-days', '30']): Promise<IssuedCertificate> {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  await openssl(['req', '-new', ...EC, '-keyout', keyFile, '-out', join(dir, `${name}.csr`), '-subj', subject, '-utf8'], dir);
  await writeFile(join(dir, `${name}.ext`), extensions);
  await openssl(['ca', '-batch', '-notext', '-preserveDN', '-utf8', '-config', join(home, 'ca.cnf'), '-in', join(dir, `${name}.csr`), '-out', certFile, '-extfile', join(dir, `${name}.ext`), ...validity], dir);
  return { certFile, keyFile, pem: await readFile(certFile, 'utf8') };
}

async function selfSignedCa(dir: string, home: string, subject: string): Promise<IssuedCertificate> {
  const certFile = join(home, 'ca.crt');
  const keyFile = join(home, 'ca.key');
  await openssl(['req', '-x509', ...EC, '-keyout', keyFile, '-out', certFile, '-days', '60', '-subj', subject,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return { certFile, keyFile, pem: await readFile(certFile, 'utf8') };
}

/** Creates every certificate in a new temporary directory (about a second of openssl runs). */
export async function createClientCertificates(): Promise<ClientCertificates> {
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-client-certs-'));
  try {
    const root = await caDirectory(dir, 'client-ca');
    const ca = await selfSignedCa(dir, root, '/O=Example/CN=Example client CA');
    const other = await caDirectory(dir, 'other-ca');
    const otherCa = await selfSignedCa(dir, other, '/O=Elsewhere/CN=Some other CA');
    const inter = await caDirectory(dir, 'intermediate-ca');
    const intermediate = await issue(dir, root, 'intermediate', '/O=Example/CN=Example team CA', 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n');
    await writeFile(join(inter, 'ca.crt'), intermediate.pem);
    await writeFile(join(inter, 'ca.key'), await readFile(intermediate.keyFile));
    const server = await issue(dir, root, 'server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    const withEmail = `${CLIENT_EXT}subjectAltName=email:alice@example.com,URI:spiffe://example.com/user/alice\n`;
    const clients: Record<ClientCase, IssuedCertificate> = {
      alice: await issue(dir, root, 'alice', '/O=Example/OU=admins/OU=devs/CN=alice', withEmail),
      doe: await issue(dir, root, 'doe', '/O=Example/OU=ops/CN=Doe\\, John', CLIENT_EXT),
      expired: await issue(dir, root, 'expired', '/O=Example/CN=old-timer', CLIENT_EXT, ['-startdate', '20200101000000Z', '-enddate', '20200201000000Z']),
      otherCa: await issue(dir, other, 'other-ca-user', '/O=Elsewhere/CN=alice', CLIENT_EXT),
      noEku: await issue(dir, root, 'no-eku', '/O=Example/CN=no-usage', 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n'),
      serverAuth: await issue(dir, root, 'server-auth', '/O=Example/CN=node-1', 'basicConstraints=critical,CA:FALSE\nextendedKeyUsage=clientAuth,serverAuth\n'),
      control: await issue(dir, root, 'control', `/O=Example/CN=admin\u0007evil`, CLIENT_EXT),
      bidi: await issue(dir, root, 'bidi', `/O=Example/OU=sup\u202Enimda/CN=bidi-user`, CLIENT_EXT),
      revoked: await issue(dir, root, 'revoked', '/O=Example/OU=admins/CN=revoked-user', CLIENT_EXT),
      viaIntermediate: await issue(dir, inter, 'ivan', '/O=Example/OU=team/CN=ivan', CLIENT_EXT),
    };
    await openssl(['ca', '-config', join(root, 'ca.cnf'), '-revoke', clients.revoked.certFile], dir);
    const crlFile = join(dir, 'client-ca.crl');
    await openssl(['ca', '-config', join(root, 'ca.cnf'), '-gencrl', '-out', crlFile], dir);
    const caBundleFile = ca.certFile;
    const caAndIntermediateFile = join(dir, 'ca-and-intermediate.pem');
    await writeFile(caAndIntermediateFile, ca.pem + intermediate.pem);
    const bothCasFile = join(dir, 'both-cas.pem');
    await writeFile(bothCasFile, ca.pem + otherCa.pem);
    return { dir, ca, intermediate, otherCa, caBundleFile, caAndIntermediateFile, bothCasFile, crlFile, server, clients, remove: () => rm(dir, { recursive: true, force: true }) };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

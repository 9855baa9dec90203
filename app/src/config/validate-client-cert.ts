/**
 * The certificate source's part of the configuration: the format and header, the proxies trusted
 * to send it, gatehouse's own CA bundle and revocation lists (read and checked here, so a bad
 * bundle stops start-up and `--check-config` rather than every sign-in), how names become an
 * identity, and the config file's `client_certificates` section. Every problem is appended naming
 * its variable or place in the file. The two files are read here rather than in load-config.ts
 * because the revocation list is binary (DER is allowed) and is read again at run time.
 */
import { readFileSync } from 'node:fs';
import { compileUpstreamTrust } from '../http/upstream-trust.ts';
import { DEFAULT_HEADERS, type CertificateFormat } from '../sources/certificate/read-certificate-header.ts';
import { parseRevocationLists } from '../sources/certificate/revocation-lists.ts';
import { parseTrustAnchors } from '../sources/certificate/trust-anchors.ts';
import type { UsernameSource } from '../sources/certificate/certificate-identity.ts';
import type { XfccChoice } from '../sources/certificate/xfcc.ts';
import { parseClientCertSection } from './client-cert-section.ts';
import type { CleanedEnv } from './schema.ts';

/** X.509 client certificates handed over by the proxy (the `certificate` source). */
export interface ClientCertificateSettings {
  readonly format: CertificateFormat;
  /** The header carrying the certificate, lower-case. */
  readonly header: string;
  readonly xfccElement: XfccChoice;
  /** The proxies whose header is believed: peer networks and/or a shared secret. */
  readonly trust: { readonly sources: readonly string[]; readonly secret: { readonly header: string; readonly values: readonly string[] } | undefined };
  readonly caFile: string;
  /** The CA bundle's PEM as read at start-up. */
  readonly caPem: string;
  readonly crlFile: string | undefined;
  /** The revocation list file's bytes as read at start-up. */
  readonly crl: Buffer | undefined;
  readonly username: UsernameSource;
  readonly groupsFromOu: boolean;
  /** client_certificates.groups: extra groups by username. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  readonly allowServerAuth: boolean;
}

const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/;

function readBytes(name: string, path: string, problems: string[]): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    problems.push(`${name}: cannot read ${JSON.stringify(path)} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    return undefined;
  }
}

/** Builds the settings when `enabled` (the certificate source is configured); the file section is checked either way. */
export function validateClientCert(env: CleanedEnv, file: Readonly<Record<string, unknown>>, enabled: boolean, problems: string[]): ClientCertificateSettings | undefined {
  const groups = parseClientCertSection(file.client_certificates, problems);
  if (!enabled) return undefined;
  const format = env.GATEHOUSE_CLIENT_CERT_FORMAT as CertificateFormat;
  const header = env.GATEHOUSE_CLIENT_CERT_HEADER || DEFAULT_HEADERS[format];
  if (!HEADER_NAME.test(header)) problems.push('GATEHOUSE_CLIENT_CERT_HEADER must be a header name (letters, digits, -)');
  const secretHeader = env.GATEHOUSE_CLIENT_CERT_SECRET_HEADER;
  if (!HEADER_NAME.test(secretHeader)) problems.push('GATEHOUSE_CLIENT_CERT_SECRET_HEADER must be a header name (letters, digits, -)');
  if (secretHeader.toLowerCase() === header.toLowerCase()) problems.push('GATEHOUSE_CLIENT_CERT_SECRET_HEADER must differ from the certificate header');
  const values = env.GATEHOUSE_CLIENT_CERT_SECRET.split(',').map((v) => v.trim()).filter(Boolean);
  const secret = values.length > 0 ? { header: secretHeader, values } : undefined;
  const sources = env.GATEHOUSE_CLIENT_CERT_SOURCES;
  compileUpstreamTrust(sources, secret, { sources: 'GATEHOUSE_CLIENT_CERT_SOURCES', secret: 'GATEHOUSE_CLIENT_CERT_SECRET' }, problems);
  if (sources.length === 0 && !secret) {
    problems.push('the certificate source needs GATEHOUSE_CLIENT_CERT_SOURCES and/or GATEHOUSE_CLIENT_CERT_SECRET: a certificate header is believed only from the proxy that terminates client TLS');
  }
  const caFile = env.GATEHOUSE_CLIENT_CA_FILE;
  const caPem = caFile ? readBytes('GATEHOUSE_CLIENT_CA_FILE', caFile, problems)?.toString('utf8') : undefined;
  const anchors = caPem === undefined ? [] : parseTrustAnchors(caPem, 'GATEHOUSE_CLIENT_CA_FILE', problems);
  const crlFile = env.GATEHOUSE_CLIENT_CRL_FILE || undefined;
  const crl = crlFile === undefined ? undefined : readBytes('GATEHOUSE_CLIENT_CRL_FILE', crlFile, problems);
  if (crl !== undefined && anchors.length > 0) parseRevocationLists(crl, anchors, 'GATEHOUSE_CLIENT_CRL_FILE', problems);
  return {
    format,
    header: header.toLowerCase(),
    xfccElement: env.GATEHOUSE_CLIENT_CERT_XFCC_ELEMENT as XfccChoice,
    trust: { sources, secret },
    caFile,
    caPem: caPem ?? '',
    crlFile,
    crl,
    username: env.GATEHOUSE_CLIENT_CERT_USERNAME as UsernameSource,
    groupsFromOu: env.GATEHOUSE_CLIENT_CERT_GROUPS === 'ou',
    groups,
    allowServerAuth: env.GATEHOUSE_CLIENT_CERT_ALLOW_SERVER_AUTH,
  };
}

/**
 * Revocation lists (GATEHOUSE_CLIENT_CRL_FILE): X.509 CRLs in PEM (`-----BEGIN X509 CRL-----`, any
 * number) or one in DER. node:crypto has no CRL type (its `crl` option exists only for TLS
 * handshakes), so @peculiar/asn1-x509 decodes the RFC 5280 structure while the signature is
 * checked by node:crypto against the CA of the bundle that issued the list. Indirect and
 * partitioned lists (a critical extension) are refused rather than half understood.
 */
import { verify } from 'node:crypto';
import type { CertificateList } from '@peculiar/asn1-x509';
import { asn1SchemaPackage, x509Package } from '../../optional-packages.ts';
import { nameKey, type TrustAnchor } from './trust-anchors.ts';

/** The serial numbers one CA revoked, and how long the list may be used. */
export interface RevocationList {
  readonly issuer: string;
  /** Serial numbers as {@link normalizeSerial} writes them. */
  readonly revoked: ReadonlySet<string>;
  readonly thisUpdate: number;
  /** After this the list is stale; undefined when the list names no next update. */
  readonly nextUpdate: number | undefined;
}

/** The usable lists, by the fingerprint of the CA that issued them. */
export type RevocationLists = ReadonlyMap<string, RevocationList>;

const PEM_CRL = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/g;

/** Signature algorithms by OID: the digest node:crypto.verify takes (null: the key fixes it). */
const DIGESTS: Readonly<Record<string, string | null>> = Object.freeze({
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
  '1.3.101.113': null,
});

/** A serial number in hex as compared here: upper case, no leading zeros (node:crypto keeps a byte's). */
export function normalizeSerial(hex: string): string {
  return hex.toUpperCase().replace(/^0+(?=.)/, '');
}

function serialHex(bytes: ArrayBuffer): string {
  return normalizeSerial(Buffer.from(new Uint8Array(bytes)).toString('hex'));
}

/** The bytes of the first element inside the outer SEQUENCE of `der`: a CRL's signed tbsCertList. */
function firstInnerElement(der: Buffer): Buffer {
  const headerLength = (at: number): [number, number] => {
    const first = der[at + 1] ?? 0;
    if (first < 0x80) return [2, first];
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new Error('unsupported DER length');
    let length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[at + 2 + i] ?? 0);
    return [2 + count, length];
  };
  const [outerHeader] = headerLength(0);
  const [innerHeader, innerLength] = headerLength(outerHeader);
  const end = outerHeader + innerHeader + innerLength;
  if (end > der.length) throw new Error('truncated');
  return der.subarray(outerHeader, end);
}

function mayIssueLists(anchor: TrustAnchor): boolean {
  const { AsnConvert } = asn1SchemaPackage();
  const { Certificate, id_ce_keyUsage, KeyUsage, KeyUsageFlags } = x509Package();
  const usage = AsnConvert.parse(anchor.cert.raw, Certificate).tbsCertificate.extensions?.find((e) => e.extnID === id_ce_keyUsage);
  return !usage || (AsnConvert.parse(usage.extnValue, KeyUsage).toNumber() & KeyUsageFlags.cRLSign) !== 0;
}

/** Reads one list; returns it or the problem. */
function readList(der: Buffer, anchors: readonly TrustAnchor[]): RevocationList | string {
  let list: CertificateList;
  try {
    list = asn1SchemaPackage().AsnConvert.parse(der, x509Package().CertificateList);
  } catch {
    return 'cannot be parsed';
  }
  const tbs = list.tbsCertList;
  const critical = [...(tbs.crlExtensions ?? []), ...(tbs.revokedCertificates ?? []).flatMap((r) => r.crlEntryExtensions ?? [])].find((e) => e.critical);
  if (critical) return `has the critical extension ${critical.extnID}; indirect and partitioned lists are not supported`;
  const digest = DIGESTS[list.signatureAlgorithm.algorithm];
  if (digest === undefined) return `is signed with ${list.signatureAlgorithm.algorithm}; use RSA PKCS#1 v1.5, ECDSA or EdDSA with SHA-256 or better`;
  const issuerKey = nameKey(tbs.issuer);
  const signed = firstInnerElement(der);
  const signature = Buffer.from(list.signature);
  const issuer = anchors.find((a) => a.subjectKey === issuerKey && verify(digest, signed, a.cert.publicKey, signature));
  if (!issuer) return 'is not signed by any CA of GATEHOUSE_CLIENT_CA_FILE';
  if (!mayIssueLists(issuer)) return `is signed by a CA whose keyUsage lacks cRLSign (${issuer.fingerprint})`;
  return {
    issuer: issuer.fingerprint,
    revoked: new Set((tbs.revokedCertificates ?? []).map((r) => serialHex(r.userCertificate))),
    thisUpdate: tbs.thisUpdate.getTime().getTime(),
    nextUpdate: tbs.nextUpdate?.getTime().getTime(),
  };
}

/**
 * Reads the lists in `content` (the file's bytes) against `anchors`; problems are appended
 * naming `label`. Of several lists by one CA, the newest (thisUpdate) is kept.
 */
export function parseRevocationLists(content: Buffer, anchors: readonly TrustAnchor[], label: string, problems: string[]): RevocationLists {
  const text = content.toString('latin1');
  const blocks = [...text.matchAll(PEM_CRL)].map((m) => Buffer.from((m[1] ?? '').replace(/\s/g, ''), 'base64'));
  const ders = blocks.length > 0 ? blocks : text.includes('-----BEGIN') ? [] : [content];
  if (ders.length === 0) problems.push(`${label} holds no revocation list (-----BEGIN X509 CRL----- or DER)`);
  const lists = new Map<string, RevocationList>();
  ders.forEach((der, index) => {
    let read: RevocationList | string;
    try {
      read = readList(der, anchors);
    } catch {
      read = 'cannot be parsed';
    }
    if (typeof read === 'string') {
      problems.push(`${label}: list ${index + 1} of ${ders.length} ${read}`);
      return;
    }
    const earlier = lists.get(read.issuer);
    if (!earlier || earlier.thisUpdate < read.thisUpdate) lists.set(read.issuer, read);
  });
  return lists;
}

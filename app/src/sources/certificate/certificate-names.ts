/**
 * The names a client certificate carries: the subject's attributes in certificate order, its
 * RFC 4514 string (leaf first, so `CN=Doe\, John,OU=eng,O=Example`), and the subject alternative
 * names. Decoded from the DER with @peculiar/asn1-x509 rather than from node:crypto's subject
 * text, whose escaping is OpenSSL's and not documented; values arrive exactly as issued, so a
 * comma is a comma and a control character is still there to be refused.
 */
import type { Name } from '@peculiar/asn1-x509';
import { asn1SchemaPackage, x509Package } from '../../optional-packages.ts';

/** One subject attribute. */
export interface NameAttribute {
  /** The attribute type's OID. */
  readonly oid: string;
  /** The short name (CN, OU, …), or the dotted OID for other types. */
  readonly type: string;
  readonly value: string;
  /** Set for types without a string form: the value's DER, which RFC 4514 writes as `#hex`. */
  readonly der?: Buffer;
}

/** What gatehouse reads from a certificate's names. */
export interface CertificateNames {
  /** Relative distinguished names in certificate order (root side first), each one or more attributes. */
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** RFC 4514: the RDNs leaf first, comma-separated, values escaped. */
  readonly dn: string;
  readonly emails: readonly string[];
  readonly dnsNames: readonly string[];
  readonly uris: readonly string[];
}

/** RFC 4514 §3 short names, plus the two X.520 ones certificates commonly carry. */
const SHORT_NAMES: Readonly<Record<string, string>> = Object.freeze({
  '2.5.4.3': 'CN',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.9': 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '2.5.4.5': 'SERIALNUMBER',
  '1.2.840.113549.1.9.1': 'EMAILADDRESS',
});

function attributesOf(name: Name): NameAttribute[][] {
  const { AsnConvert } = asn1SchemaPackage();
  // Array.from: the schema's arrays are subclasses, whose map would build more of them.
  return Array.from(name, (rdn) =>
    Array.from(rdn, (atv): NameAttribute => {
      const oid = atv.type;
      const type = SHORT_NAMES[oid] ?? oid;
      if (atv.value.anyValue !== undefined) return { oid, type, value: '', der: Buffer.from(AsnConvert.serialize(atv.value)) };
      return { oid, type, value: atv.value.toString() };
    }),
  );
}

/** Escapes one attribute value as RFC 4514 §2.4 requires. */
export function escapeDnValue(value: string): string {
  let out = value.replace(/["+,;<>\\]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && !out.endsWith('\\ ')) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** The RFC 4514 string of `rdns` (given in certificate order). */
export function formatDn(rdns: readonly (readonly NameAttribute[])[]): string {
  return [...rdns]
    .reverse()
    // A type without a string form is written as its OID and the value's DER in hex (§2.4).
    .map((rdn) => rdn.map((a) => (a.der ? `${a.oid}=#${a.der.toString('hex')}` : `${a.type}=${escapeDnValue(a.value)}`)).join('+'))
    .join(',');
}

/**
 * Reads the names of a certificate (DER).
 * @throws when the DER is not a certificate (the caller has already parsed it with node:crypto)
 */
export function readCertificateNames(der: Buffer): CertificateNames {
  const { AsnConvert } = asn1SchemaPackage();
  const { Certificate, id_ce_subjectAltName, SubjectAlternativeName } = x509Package();
  const cert = AsnConvert.parse(der, Certificate);
  const rdns = attributesOf(cert.tbsCertificate.subject);
  const emails: string[] = [];
  const dnsNames: string[] = [];
  const uris: string[] = [];
  const extension = cert.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectAltName);
  if (extension) {
    for (const general of AsnConvert.parse(extension.extnValue, SubjectAlternativeName)) {
      if (general.rfc822Name !== undefined) emails.push(general.rfc822Name);
      if (general.dNSName !== undefined) dnsNames.push(general.dNSName);
      if (general.uniformResourceIdentifier !== undefined) uris.push(general.uniformResourceIdentifier);
    }
  }
  return { rdns, dn: formatDn(rdns), emails, dnsNames, uris };
}

/** Every value of attribute `type` (CN, OU, …), in certificate order. */
export function attributeValues(names: CertificateNames, type: string): string[] {
  return names.rdns.flatMap((rdn) => rdn.filter((a) => a.type === type && a.der === undefined).map((a) => a.value));
}

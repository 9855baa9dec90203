/**
 * gatehouse's own CA bundle for client certificates (GATEHOUSE_CLIENT_CA_FILE). Every certificate
 * in it is a trust anchor, as in Go's crypto/x509 roots or OpenSSL's partial-chain mode: a client
 * certificate must be issued directly by one of them, so a bundle holding only an intermediate CA
 * trusts what that intermediate issued and nothing else its root issued. Each must be a CA
 * (basicConstraints cA) allowed to sign certificates (keyCertSign when keyUsage is present).
 */
import { X509Certificate } from 'node:crypto';
import type { Name } from '@peculiar/asn1-x509';
import { asn1SchemaPackage, x509Package } from '../../optional-packages.ts';

/** One CA that issues client certificates. */
export interface TrustAnchor {
  readonly cert: X509Certificate;
  /** SHA-256 fingerprint as node:crypto writes it (AA:BB:…). */
  readonly fingerprint: string;
  /** The subject's DER in hex, to find the revocation list this CA issued. */
  readonly subjectKey: string;
  readonly notBefore: number;
  readonly notAfter: number;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The DER of a Name in hex: equal for equal names, whichever certificate or list holds them. */
export function nameKey(name: Name): string {
  return Buffer.from(asn1SchemaPackage().AsnConvert.serialize(name)).toString('hex');
}

/** Why `cert` cannot issue client certificates, or undefined when it can. */
function caProblem(cert: X509Certificate): string | undefined {
  const { AsnConvert } = asn1SchemaPackage();
  const { BasicConstraints, Certificate, id_ce_basicConstraints, id_ce_keyUsage, KeyUsage, KeyUsageFlags } = x509Package();
  const parsed = AsnConvert.parse(cert.raw, Certificate);
  const extensions = parsed.tbsCertificate.extensions ?? [];
  const basic = extensions.find((e) => e.extnID === id_ce_basicConstraints);
  if (!basic || !AsnConvert.parse(basic.extnValue, BasicConstraints).cA) return 'is not a CA (basicConstraints cA is not set)';
  const usage = extensions.find((e) => e.extnID === id_ce_keyUsage);
  if (usage && (AsnConvert.parse(usage.extnValue, KeyUsage).toNumber() & KeyUsageFlags.keyCertSign) === 0) return 'may not sign certificates (keyUsage lacks keyCertSign)';
  return undefined;
}

/**
 * Reads the bundle; problems are appended naming `label` and the certificate's position. The
 * first call (the configuration's check at start-up) loads the X.509 packages.
 * @returns the anchors that are usable
 */
export function parseTrustAnchors(pem: string, label: string, problems: string[]): TrustAnchor[] {
  const { AsnConvert } = asn1SchemaPackage();
  const { Certificate } = x509Package();
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) problems.push(`${label} does not hold a PEM certificate (-----BEGIN CERTIFICATE-----)`);
  const anchors: TrustAnchor[] = [];
  blocks.forEach((block, index) => {
    const where = `${label}: certificate ${index + 1} of ${blocks.length}`;
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch {
      problems.push(`${where} cannot be parsed`);
      return;
    }
    let problem: string | undefined;
    try {
      problem = caProblem(cert);
    } catch {
      problem = 'has extensions that cannot be read';
    }
    if (problem !== undefined) {
      problems.push(`${where} (${cert.subject.replaceAll('\n', ', ')}) ${problem}`);
      return;
    }
    anchors.push({
      cert,
      fingerprint: cert.fingerprint256,
      subjectKey: nameKey(AsnConvert.parse(cert.raw, Certificate).tbsCertificate.subject),
      notBefore: cert.validFromDate.getTime(),
      notAfter: cert.validToDate.getTime(),
    });
  });
  return anchors;
}

/** The anchor that issued and signed `leaf`, or undefined. */
export function findIssuer(leaf: X509Certificate, anchors: readonly TrustAnchor[]): TrustAnchor | undefined {
  // checkIssued compares names and key identifiers; only then is the signature worth checking.
  return anchors.find((anchor) => leaf.checkIssued(anchor.cert) && leaf.verify(anchor.cert.publicKey));
}

/**
 * The certificate headers proxies write, built as their sources write them, for tests that replay
 * a proxy rather than run it (real nginx writes its own):
 * - Envoy, source/common/http/conn_manager_utility.cc (mutateXfccRequestHeader) with
 *   source/common/tls/connection_info_impl_base.cc (urlEncodedPemEncodedPeerCertificate): an
 *   element `By=<own URI SAN>;Hash=<SHA-256 of the DER, hex>;Cert="<PEM, URL-encoded>";Chain=…;
 *   Subject="<RFC 2253>";URI=<each URI SAN>;DNS=<each DNS SAN>` joined with `;`, SANITIZE_SET
 *   replacing the header and APPEND_FORWARD appending after a `,`; the PEM encoding replaces
 *   `\n`, space, `+`, `/` and `=` (the newer PercentEncoding::urlEncode encodes a superset);
 * - Traefik, pkg/middlewares/passtlsclientcert/pass_tls_client_cert.go (getCertificates,
 *   sanitize): each certificate's PEM without the BEGIN/END lines and newlines, comma-joined.
 */
import { createHash, X509Certificate } from 'node:crypto';

/** Envoy's URL encoding of a PEM. */
export function envoyUrlEncodedPem(pem: string): string {
  return pem.replace(/[\n +/=]/g, (c) => ({ '\n': '%0A', ' ': '%20', '+': '%2B', '/': '%2F', '=': '%3D' })[c] as string);
}

/** What set_current_client_cert_details asks for, and the proxy's own URI SAN (By). */
export interface XfccDetails {
  readonly by?: string;
  readonly cert?: boolean;
  readonly chain?: readonly string[];
  readonly subject?: boolean;
  readonly uri?: boolean;
  readonly dns?: boolean;
}

/** One XFCC element for the client certificate `pem`, in Envoy's key order. */
export function envoyXfccElement(pem: string, details: XfccDetails): string {
  const cert = new X509Certificate(pem);
  const parts: string[] = [];
  if (details.by) parts.push(`By=${details.by}`);
  parts.push(`Hash=${createHash('sha256').update(cert.raw).digest('hex')}`);
  if (details.cert) parts.push(`Cert="${envoyUrlEncodedPem(pem)}"`);
  if (details.chain) parts.push(`Chain="${envoyUrlEncodedPem([pem, ...details.chain].join(''))}"`);
  // Envoy's subjectPeerCertificate is RFC 2253 (leaf first); node:crypto lists root first.
  if (details.subject) parts.push(`Subject="${cert.subject.split('\n').reverse().join(',')}"`);
  const sans = (cert.subjectAltName ?? '').split(', ');
  if (details.uri) {
    const uris = sans.filter((s) => s.startsWith('URI:')).map((s) => s.slice(4));
    parts.push(...(uris.length > 0 ? uris.map((u) => `URI=${u}`) : ['URI=']));
  }
  if (details.dns) parts.push(...sans.filter((s) => s.startsWith('DNS:')).map((s) => `DNS=${s.slice(4)}`));
  return parts.join(';');
}

/** Traefik's X-Forwarded-Tls-Client-Cert for the presented chain (leaf first). */
export function traefikClientCertHeader(pems: readonly string[]): string {
  return pems.map((pem) => pem.replace(/-----BEGIN CERTIFICATE-----|-----END CERTIFICATE-----|\n/g, '')).join(',');
}

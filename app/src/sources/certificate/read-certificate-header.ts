/**
 * The client's certificate out of the header each proxy writes, as DER:
 * - ingress-nginx: `ssl-client-cert: $ssl_client_escaped_cert`, the PEM URL-escaped by nginx
 *   (ngx_escape_uri, component mode: `-----BEGIN%20CERTIFICATE-----%0AMIIB…%2B…%0A…`);
 * - envoy-xfcc: the `Cert` key of the chosen element, the PEM URL-encoded by Envoy; an element
 *   without `Cert` (set_current_client_cert_details lacks cert: true) cannot be checked;
 * - traefik: passTLSClientCert's `pem: true`, the certificates base64 DER without PEM armour or
 *   newlines, comma-separated, leaf first (Traefik v2 URL-escaped the same text).
 * Only the leaf is taken: intermediates come from gatehouse's own CA bundle, never from the client.
 */
import { chooseElement, parseXfcc, type XfccChoice } from './xfcc.ts';

/** How the proxy hands the certificate over (GATEHOUSE_CLIENT_CERT_FORMAT). */
export type CertificateFormat = 'ingress-nginx' | 'envoy-xfcc' | 'traefik';

/** Each format's header, when GATEHOUSE_CLIENT_CERT_HEADER does not name another. */
export const DEFAULT_HEADERS: Readonly<Record<CertificateFormat, string>> = Object.freeze({
  'ingress-nginx': 'ssl-client-cert',
  'envoy-xfcc': 'x-forwarded-client-cert',
  traefik: 'X-Forwarded-Tls-Client-Cert',
});

/** The leaf's DER, or why the header holds none. */
export type HeaderCertificate = { readonly ok: true; readonly der: Buffer } | { readonly ok: false; readonly detail: string };

/** A chain of a few certificates, URL-escaped, fits well within this; Node refuses larger headers anyway. */
const MAX_HEADER_LENGTH = 32_768;
const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function fail(detail: string): HeaderCertificate {
  return { ok: false, detail };
}

function percentDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function base64Der(text: string): Buffer | undefined {
  const compact = text.replace(/[\r\n\t ]/g, '');
  return compact.length > 0 && compact.length % 4 === 0 && BASE64.test(compact) ? Buffer.from(compact, 'base64') : undefined;
}

/** The one certificate of a PEM text; a second one is refused rather than ignored. */
function singlePem(pem: string, what: string): HeaderCertificate {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  if (blocks.length !== 1) return fail(`${what} holds ${blocks.length} PEM certificates, not one`);
  if (pem.replace(PEM_BLOCK, '').trim() !== '') return fail(`${what} holds text outside the PEM certificate`);
  const der = base64Der(blocks[0]?.[1] ?? '');
  return der ? { ok: true, der } : fail(`${what} is not valid base64 inside the PEM armour`);
}

function fromNginx(value: string): HeaderCertificate {
  const pem = percentDecode(value);
  return pem === undefined ? fail('the header is not URL-escaped text') : singlePem(pem, 'the header');
}

function fromXfcc(value: string, choice: XfccChoice): HeaderCertificate {
  const elements = parseXfcc(value);
  if (elements === undefined) return fail('the header is not x-forwarded-client-cert (element;key=value,…)');
  const element = chooseElement(elements, choice);
  if (element === undefined) return fail(`the header has ${elements.length} elements and GATEHOUSE_CLIENT_CERT_XFCC_ELEMENT is only`);
  const certs = element.get('cert') ?? [];
  if (certs.length !== 1) return fail(`the chosen element has ${certs.length} Cert keys, not one (set_current_client_cert_details needs cert: true)`);
  const pem = percentDecode(certs[0] as string);
  return pem === undefined ? fail('Cert is not URL-encoded text') : singlePem(pem, 'Cert');
}

function fromTraefik(value: string): HeaderCertificate {
  const text = value.includes('%') ? percentDecode(value) : value;
  if (text === undefined) return fail('the header is not URL-escaped text');
  const leaf = base64Der(text.split(',')[0] ?? '');
  return leaf ? { ok: true, der: leaf } : fail('the first certificate is not base64 DER');
}

/** Reads the leaf certificate from the header value `value` written in `format`. */
export function readCertificateHeader(value: string, format: CertificateFormat, choice: XfccChoice): HeaderCertificate {
  if (value.length > MAX_HEADER_LENGTH) return fail(`the header is longer than ${MAX_HEADER_LENGTH} characters`);
  if (format === 'ingress-nginx') return fromNginx(value);
  if (format === 'envoy-xfcc') return fromXfcc(value, choice);
  return fromTraefik(value);
}

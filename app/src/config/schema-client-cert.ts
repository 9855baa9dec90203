/**
 * Environment variables of the `certificate` identity source: X.509 client certificates that the
 * proxy terminating TLS hands over in a header (ingress-nginx's ssl-client-cert, Envoy's
 * x-forwarded-client-cert, Traefik's X-Forwarded-Tls-Client-Cert), believed only from the
 * configured proxies and checked again by gatehouse against its own CA bundle.
 */
import { bool, str } from 'envalid';
import { commaList } from './validators.ts';

/** The envalid specification of the client-certificate variables. */
export const CLIENT_CERT_SCHEMA = {
  GATEHOUSE_CLIENT_CERT_FORMAT: str({
    desc: 'certificate source: how the proxy hands the certificate over: ingress-nginx (ssl-client-cert, the URL-escaped PEM of $ssl_client_escaped_cert; a ssl-client-verify other than SUCCESS is refused), envoy-xfcc (x-forwarded-client-cert, the Cert key of one element) or traefik (X-Forwarded-Tls-Client-Cert, base64 DER certificates, leaf first). Only the leaf is used: intermediates come from GATEHOUSE_CLIENT_CA_FILE',
    choices: ['ingress-nginx', 'envoy-xfcc', 'traefik'],
    default: 'ingress-nginx',
  }),
  GATEHOUSE_CLIENT_CERT_HEADER: str({
    desc: "certificate source: the header carrying the certificate; empty: the format's own (ssl-client-cert, x-forwarded-client-cert or X-Forwarded-Tls-Client-Cert)",
    default: '',
  }),
  GATEHOUSE_CLIENT_CERT_XFCC_ELEMENT: str({
    desc: 'certificate source, envoy-xfcc: which element of x-forwarded-client-cert is the client\'s: only (refuse a header with more than one; the edge Envoy uses SANITIZE_SET), last (the one the Envoy calling gatehouse appended, when it terminates the client\'s TLS and forwards with APPEND_FORWARD) or first (the edge\'s, when inner Envoys append theirs; only safe with SANITIZE_SET at the edge)',
    choices: ['only', 'last', 'first'],
    default: 'only',
  }),
  GATEHOUSE_CLIENT_CERT_SOURCES: commaList({
    desc: 'certificate source: networks (CIDR) of the proxies whose certificate header is believed; the peer address of the connection counts, never X-Forwarded-For. With neither this nor a secret, the source cannot start',
    default: [],
    example: '10.0.0.0/8,fd00::/8',
  }),
  GATEHOUSE_CLIENT_CERT_SECRET: str({
    desc: 'certificate source: shared secret(s) the proxy sends in GATEHOUSE_CLIENT_CERT_SECRET_HEADER, comma-separated for rotation, each at least 16 characters (or GATEHOUSE_CLIENT_CERT_SECRET_FILE); with sources too, both must hold. Set it only where the proxy adds the certificate, so a route without client TLS cannot pass a client\'s own header on',
    default: '',
  }),
  GATEHOUSE_CLIENT_CERT_SECRET_HEADER: str({
    desc: 'certificate source: the header carrying the shared secret',
    default: 'X-Gatehouse-Client-Cert-Secret',
  }),
  GATEHOUSE_CLIENT_CA_FILE: str({
    desc: 'certificate source: PEM bundle of the CAs that issue client certificates; gatehouse checks every certificate against it again (signature, dates, CA constraints). Each certificate in it is a trust anchor, so an intermediate CA alone trusts only what it issued',
    default: '',
    example: '/etc/gatehouse/client-ca/ca.crt',
  }),
  GATEHOUSE_CLIENT_CRL_FILE: str({
    desc: 'certificate source: revocation lists (PEM or DER, one per issuing CA) that certificates are checked against; with it, a certificate whose issuer has no list here is refused, and one whose list is past its nextUpdate answers 503. Re-read at GATEHOUSE_CONFIG_RELOAD_INTERVAL when it changes',
    default: '',
    example: '/etc/gatehouse/client-ca/ca.crl',
  }),
  GATEHOUSE_CLIENT_CERT_USERNAME: str({
    desc: 'certificate source: where the username comes from: cn (the subject common name, exactly one), or the first subject alternative name of a kind: san-email, san-dns, san-uri',
    choices: ['cn', 'san-email', 'san-dns', 'san-uri'],
    default: 'cn',
  }),
  GATEHOUSE_CLIENT_CERT_GROUPS: str({
    desc: "certificate source: ou makes each subject organizational unit a group; none takes groups only from the config file's client_certificates.groups",
    choices: ['ou', 'none'],
    default: 'ou',
  }),
  GATEHOUSE_CLIENT_CERT_ALLOW_SERVER_AUTH: bool({
    desc: "certificate source: false (as EventStoreDB) refuses a certificate that also carries the ServerAuth extended key usage, so a server's certificate never signs anyone in; true accepts one with both",
    default: false,
  }),
};

/**
 * gatehouse's own check of a client certificate, whatever the proxy said of it: issued and signed
 * by a CA of its bundle (itself in date), in date, an end-entity certificate with the ClientAuth
 * extended key usage (1.3.6.1.5.5.7.3.2) and, unless allowed, without ServerAuth — EventStoreDB's
 * user-certificate rules — and not revoked by its CA's list when lists are configured. The trust
 * comes first, so nothing is said about the dates or names of a certificate nobody vouches for.
 */
import type { X509Certificate } from 'node:crypto';
import { normalizeSerial, type RevocationLists } from './revocation-lists.ts';
import { findIssuer, type TrustAnchor } from './trust-anchors.ts';

/** Extended key usages (RFC 5280 §4.2.1.12). */
export const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

/** What the check needs besides the certificate. */
export interface VerifyOptions {
  readonly anchors: readonly TrustAnchor[];
  /** Undefined when no revocation lists are configured. */
  readonly lists: RevocationLists | undefined;
  readonly allowServerAuth: boolean;
}

/** Why a certificate is refused; `stale` is gatehouse's own problem (503), the rest the client's (401). */
export type RefusalKind = 'invalid' | 'untrusted' | 'expired' | 'usage' | 'revoked' | 'stale';

/** The outcome: trusted until `expiresAt`, or refused with a kind and a detail for the log. */
export type Verdict =
  | { readonly ok: true; readonly anchor: TrustAnchor; readonly expiresAt: number }
  | { readonly ok: false; readonly kind: RefusalKind; readonly detail: string };

function refuse(kind: RefusalKind, detail: string): Verdict {
  return { ok: false, kind, detail };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Checks `leaf` at time `now` (ms). Never throws. */
export function verifyCertificate(leaf: X509Certificate, now: number, options: VerifyOptions): Verdict {
  const anchor = findIssuer(leaf, options.anchors);
  if (!anchor) return refuse('untrusted', `not issued by a CA of GATEHOUSE_CLIENT_CA_FILE (issuer ${leaf.issuer.replaceAll('\n', ', ')})`);
  if (now < anchor.notBefore || now > anchor.notAfter) return refuse('untrusted', `its CA is valid only from ${iso(anchor.notBefore)} to ${iso(anchor.notAfter)}`);
  if (leaf.ca) return refuse('invalid', 'is a CA certificate, not a client certificate');
  const notBefore = leaf.validFromDate.getTime();
  const notAfter = leaf.validToDate.getTime();
  if (now < notBefore) return refuse('expired', `not valid before ${iso(notBefore)}`);
  if (now > notAfter) return refuse('expired', `expired at ${iso(notAfter)}`);
  // node:crypto's keyUsage is the extended key usage list; undefined when the extension is absent.
  const usages = leaf.keyUsage ?? [];
  if (!usages.includes(CLIENT_AUTH)) return refuse('usage', 'lacks the ClientAuth extended key usage (1.3.6.1.5.5.7.3.2)');
  if (!options.allowServerAuth && usages.includes(SERVER_AUTH)) return refuse('usage', 'also carries ServerAuth; a server certificate never signs anyone in (GATEHOUSE_CLIENT_CERT_ALLOW_SERVER_AUTH)');
  let expiresAt = Math.min(notAfter, anchor.notAfter);
  if (options.lists !== undefined) {
    const list = options.lists.get(anchor.fingerprint);
    if (!list) return refuse('untrusted', `GATEHOUSE_CLIENT_CRL_FILE holds no revocation list of its CA (${anchor.fingerprint})`);
    if (list.nextUpdate !== undefined && now > list.nextUpdate) return refuse('stale', `the revocation list of its CA was due for an update at ${iso(list.nextUpdate)}`);
    if (list.revoked.has(normalizeSerial(leaf.serialNumber))) return refuse('revoked', `serial ${leaf.serialNumber} is revoked by its CA`);
    if (list.nextUpdate !== undefined) expiresAt = Math.min(expiresAt, list.nextUpdate);
  }
  return { ok: true, anchor, expiresAt };
}

/**
 * The certificate source: an X.509 client certificate that the proxy terminating TLS hands over in
 * a header. The header is believed only from the configured proxies (peer network and/or shared
 * secret, as trusted headers are), and the certificate is then checked again by gatehouse against
 * its own CA bundle and revocation lists — never taken on `ssl-client-verify: SUCCESS` alone, which
 * says only what the proxy's own configuration accepted. A browser presents its certificate by
 * itself, like a cookie, so the source is not explicit: a Bearer token sent beside it is judged
 * first. An unusable certificate is 401 (never 403: nobody is signed in) with the reason code in
 * the check log and the detail in a warning.
 */
import { createHash, X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AppDeps } from '../../deps.ts';
import { checkUpstream, compileUpstreamTrust } from '../../http/upstream-trust.ts';
import { REASONS, type Reason } from '../../policy/reasons.ts';
import type { Identified } from '../identified.ts';
import type { IdentitySource } from '../identity-source.ts';
import { certificateIdentity, type IdentityRules } from './certificate-identity.ts';
import { readCertificateNames } from './certificate-names.ts';
import { readCertificateHeader } from './read-certificate-header.ts';
import { createRevocationStore, type RevocationState, type RevocationStore } from './revocation-store.ts';
import { parseTrustAnchors } from './trust-anchors.ts';
import { createVerifiedCache } from './verified-cache.ts';
import { verifyCertificate, type RefusalKind } from './verify-certificate.ts';

const MAX_CACHED = 10_000;
/** The verdict ingress-nginx passes in ssl-client-verify when nginx's own check passed. */
const NGINX_VERIFY_HEADER = 'ssl-client-verify';

const REASON_OF: Readonly<Record<Exclude<RefusalKind, 'stale'> | 'name', Reason>> = {
  invalid: REASONS.clientCertInvalid,
  untrusted: REASONS.clientCertUntrusted,
  expired: REASONS.clientCertExpired,
  usage: REASONS.clientCertUsage,
  revoked: REASONS.clientCertRevoked,
  name: REASONS.clientCertNameInvalid,
};

const NO_LISTS: RevocationState = { lists: new Map(), generation: 0 };

/** Creates the certificate source; its settings were checked at start-up. */
export function createCertificateSource(deps: Pick<AppDeps, 'config' | 'logger' | 'now'>): IdentitySource & { readonly revocation: RevocationStore | undefined } {
  const settings = deps.config.clientCertificates;
  if (!settings) throw new Error('the certificate source needs its settings (GATEHOUSE_CLIENT_CA_FILE, GATEHOUSE_CLIENT_CERT_*)');
  const { logger, now } = deps;
  const trust = compileUpstreamTrust(settings.trust.sources, settings.trust.secret, { sources: '', secret: '' }, []);
  const anchors = parseTrustAnchors(settings.caPem, 'GATEHOUSE_CLIENT_CA_FILE', []);
  const revocation =
    settings.crl === undefined || settings.crlFile === undefined
      ? undefined
      : createRevocationStore({ path: settings.crlFile, content: settings.crl, anchors, intervalMs: deps.config.configReloadIntervalMs, logger });
  const rules: IdentityRules = { username: settings.username, groupsFromOu: settings.groupsFromOu, groups: new Map(Object.entries(settings.groups)) };
  const cache = createVerifiedCache(MAX_CACHED);
  const header = settings.header;

  const refused = (reason: Reason, detail: string, fingerprint?: string): Identified => {
    logger.warn({ source: 'certificate', reason, detail, ...(fingerprint && { fingerprint }) }, 'client certificate refused');
    return { state: 'unauthenticated', reason };
  };

  const identify = (req: IncomingMessage): Identified => {
    const value = req.headers[header];
    if (value === undefined || value === '') return { state: 'unauthenticated', reason: REASONS.clientCertMissing };
    // Only the proxy that terminated the client's TLS may say which certificate was presented.
    if (checkUpstream(trust, req.headers, req.socket.remoteAddress) !== undefined) return { state: 'unauthenticated', reason: REASONS.untrustedSource };
    if (typeof value !== 'string' || (req.headersDistinct?.[header]?.length ?? 1) > 1) return refused(REASONS.clientCertInvalid, 'the certificate header is repeated');
    if (settings.format === 'ingress-nginx') {
      const verdict = req.headers[NGINX_VERIFY_HEADER];
      // nginx found a problem of its own (its CA, its CRL): never overruled, whatever gatehouse thinks.
      if (verdict !== undefined && verdict !== 'SUCCESS') return refused(REASONS.clientCertUntrusted, `the proxy's own check says ${JSON.stringify(String(verdict).slice(0, 120))}`);
    }
    const read = readCertificateHeader(value, settings.format, settings.xfccElement);
    if (!read.ok) return refused(REASONS.clientCertInvalid, read.detail);
    const fingerprint = createHash('sha256').update(read.der).digest('hex');
    const at = now();
    const lists = revocation?.current(at) ?? NO_LISTS;
    const cached = cache.get(fingerprint, at, lists.generation);
    if (cached) return { state: 'identified', source: 'certificate', identity: cached };
    let leaf: X509Certificate;
    try {
      leaf = new X509Certificate(read.der);
    } catch {
      return refused(REASONS.clientCertInvalid, 'the header does not hold an X.509 certificate', fingerprint);
    }
    const verdict = verifyCertificate(leaf, at, { anchors, lists: revocation ? lists.lists : undefined, allowServerAuth: settings.allowServerAuth });
    if (!verdict.ok && verdict.kind === 'stale') {
      logger.error({ source: 'certificate', file: settings.crlFile, detail: verdict.detail }, 'revocation list out of date; refusing certificates until it is renewed');
      return { state: 'failed', status: 503, reason: REASONS.clientCrlStale, err: new Error(verdict.detail) };
    }
    if (!verdict.ok) return refused(REASON_OF[verdict.kind as Exclude<RefusalKind, 'stale'>], verdict.detail, fingerprint);
    let named: ReturnType<typeof certificateIdentity>;
    try {
      named = certificateIdentity(readCertificateNames(read.der), rules);
    } catch {
      named = { ok: false, detail: 'the subject or alternative names cannot be read' };
    }
    if (!named.ok) return refused(REASON_OF.name, named.detail, fingerprint);
    cache.set(fingerprint, named.identity, verdict.expiresAt, lists.generation);
    return { state: 'identified', source: 'certificate', identity: named.identity };
  };

  return {
    name: 'certificate',
    explicit: false,
    missing: REASONS.clientCertMissing,
    present: (req) => req.headers[header] !== undefined && req.headers[header] !== '',
    identify,
    revocation,
  };
}

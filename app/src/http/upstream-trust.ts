/**
 * Whether a request comes from the authenticated upstream that is allowed to assert identity
 * headers: its immediate peer address in a configured network, and/or a shared secret header.
 * Only the socket's peer address counts; X-Forwarded-For and X-Real-IP are whatever the client
 * or any hop wrote, so they never establish trust.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { cidrContains, parseCidr, parseIp, type Cidr } from '../policy/named/ip-address.ts';

/** A shared secret the upstream sends in a header; several values allow rotation. */
export interface SharedSecret {
  readonly header: string;
  readonly values: readonly string[];
}

/** The compiled trust rule. */
export interface UpstreamTrust {
  readonly networks: readonly Cidr[];
  /** SHA-256 digests of the accepted secrets, so every comparison has one length. */
  readonly secretDigests: readonly Buffer[];
  readonly secretHeader: string | undefined;
}

/** Why a request is not trusted; never the secret itself. */
export type UntrustedCheck = 'unconfigured' | 'network' | 'secret';

/** Shortest shared secret accepted; a short one could be guessed through the auth endpoint. */
export const MIN_SECRET_LENGTH = 16;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Compiles the rule; problems are appended naming `labels`. */
export function compileUpstreamTrust(
  trustedSources: readonly string[],
  sharedSecret: SharedSecret | undefined,
  labels: { readonly sources: string; readonly secret: string },
  problems: string[],
): UpstreamTrust {
  const networks: Cidr[] = [];
  trustedSources.forEach((text, index) => {
    const parsed = parseCidr(text.trim());
    if (typeof parsed === 'string') problems.push(`${labels.sources}[${index}]: "${text}" ${parsed}; write e.g. 10.0.0.0/8`);
    else networks.push(parsed);
  });
  if (sharedSecret && sharedSecret.values.length === 0) problems.push(`${labels.secret}: needs at least one value`);
  sharedSecret?.values.forEach((value, index) => {
    if (value.length < MIN_SECRET_LENGTH) {
      problems.push(`${labels.secret}[${index}]: must be at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -hex 32)`);
    }
  });
  return {
    networks,
    secretDigests: (sharedSecret?.values ?? []).map(digest),
    secretHeader: sharedSecret?.header.toLowerCase(),
  };
}

function peerTrusted(trust: UpstreamTrust, remoteAddress: string | undefined): boolean {
  const address = remoteAddress === undefined ? undefined : parseIp(remoteAddress);
  return address !== undefined && trust.networks.some((network) => cidrContains(network, address));
}

function secretMatches(trust: UpstreamTrust, headers: IncomingHttpHeaders): boolean {
  const sent = trust.secretHeader === undefined ? undefined : headers[trust.secretHeader];
  // A repeated header (or Node's comma-joined form of one) never equals a configured value.
  if (typeof sent !== 'string' || sent.length === 0) return false;
  const given = digest(sent);
  let matched = false;
  // Compare with every value, without stopping early, so timing says nothing about which matched.
  for (const expected of trust.secretDigests) matched = timingSafeEqual(given, expected) || matched;
  return matched;
}

/** Undefined when the request is trusted, otherwise which check failed. */
export function checkUpstream(
  trust: UpstreamTrust,
  headers: IncomingHttpHeaders,
  remoteAddress: string | undefined,
): UntrustedCheck | undefined {
  const useNetworks = trust.networks.length > 0;
  const useSecret = trust.secretHeader !== undefined && trust.secretDigests.length > 0;
  if (!useNetworks && !useSecret) return 'unconfigured';
  if (useNetworks && !peerTrusted(trust, remoteAddress)) return 'network';
  if (useSecret && !secretMatches(trust, headers)) return 'secret';
  return undefined;
}

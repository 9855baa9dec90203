/**
 * The client a per-client limit counts. X-Real-IP is read only from a trusted proxy (its peer
 * address in GATEHOUSE_TRUSTED_PROXY_SOURCES and/or the shared secret, the rule forward-auth and
 * ext-authz use): ingress-nginx sets it to the address it was connected from. From any other
 * peer it is whatever the client wrote, so the socket's peer address counts instead, and
 * X-Forwarded-For never does. An IPv6 client counts by its /64 (clientKey).
 */
import type { IncomingMessage } from 'node:http';
import type { ProxySettings } from '../config/config.ts';
import { clientKey } from '../sources/basic/attempt-limiter.ts';
import { checkUpstream, compileUpstreamTrust } from './upstream-trust.ts';

/** What a request with neither a usable X-Real-IP nor a peer address counts as. */
export const UNKNOWN_CLIENT = 'unknown';

/** The client key of a request. */
export type ClientAddressOf = (req: IncomingMessage) => string;

/** Compiles the trust rule once; config problems were reported at start-up. */
export function createClientAddress(trust: ProxySettings['trust']): ClientAddressOf {
  const compiled = compileUpstreamTrust(trust.sources, trust.secret, { sources: '', secret: '' }, []);
  return (req) => {
    const peer = req.socket.remoteAddress;
    if (checkUpstream(compiled, req.headers, peer) === undefined) {
      const realIp = req.headers['x-real-ip'];
      // nginx sends one value; a repeated header (joined with commas by Node) is no address.
      const forwarded = typeof realIp === 'string' ? clientKey(realIp.trim()) : undefined;
      if (forwarded !== undefined) return forwarded;
    }
    return clientKey(peer) ?? UNKNOWN_CLIENT;
  };
}

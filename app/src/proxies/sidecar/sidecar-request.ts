/**
 * A request reaching gatehouse in sidecar mode, read as the original request: gatehouse is the first
 * proxy, so the method, Host, path and peer address are the request's own, and the scheme is the one
 * the app is published under (that of GATEHOUSE_REDIRECT_URL). Only a trusted proxy in front
 * (GATEHOUSE_TRUSTED_PROXY_SOURCES / _SECRET) may say otherwise with X-Forwarded-Proto, -Host and
 * -For; a client's own copies are never believed, and replaced before the app sees the request.
 */
import type { IncomingMessage } from 'node:http';
import { isIPv4 } from 'node:net';
import type { Config } from '../../config/config.ts';
import { nginxPath, type NginxPath } from '../../policy/named/nginx-path.ts';
import { lastForwardedFor, readHost, readMethod, readScheme, readUri, single, type Read } from '../forwarded-values.ts';
import { wantsPage, type OriginalRequest } from '../original-request.ts';
import { createProxyTrust } from '../proxy-trust.ts';

/** The original request and what forwarding it needs. */
export interface SidecarOriginal extends OriginalRequest {
  /** The path as sent, without the query. */
  readonly rawPath: string;
  /** The decoded, normalised path that route policies and the skip list are matched against. */
  readonly path: string;
  /** The connection's peer address (IPv4-mapped addresses unmapped). */
  readonly peer: string;
  /** Whether the peer is a trusted proxy: its X-Forwarded-For is appended to, not replaced. */
  readonly trusted: boolean;
}

/** Reads one request; never throws. */
export type DescribeRequest = (req: IncomingMessage) => Read<SidecarOriginal>;

/**
 * The normalised path of a visible-ASCII URI. Most paths are normal already (no escape, no dot
 * segment, no doubled slash, no fragment), and nginxPath would only copy them through its decoder.
 */
function routedPath(uri: string, rawPath: string): NginxPath {
  if (!rawPath.includes('%') && !rawPath.includes('/.') && !rawPath.includes('//') && !rawPath.includes('#')) return { ok: true, path: rawPath };
  return nginxPath(uri);
}

/** The peer as X-Forwarded-For writes it: "::ffff:10.0.0.1" is 10.0.0.1. */
function peerOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/**
 * A reader that remembers up to `size` values it found valid: a sidecar's clients nearly all send
 * the same Host and one of a few methods, and each check is a regular expression.
 */
function remembering<T extends string>(read: (value: string | undefined, name: string) => Read<T>, size: number): (value: string | undefined, name: string) => Read<T> {
  const valid = new Map<string, Read<T>>();
  return (value, name) => {
    const known = value === undefined ? undefined : valid.get(value);
    if (known !== undefined) return known;
    const result = read(value, name);
    // Only valid values are kept (a problem names the header it came from), and only so many.
    if (result.ok && value !== undefined && valid.size < size) valid.set(value, result);
    return result;
  };
}

const NOT_SENT: Read<undefined> = Object.freeze({ ok: true, value: undefined });

/** Creates the reader once per config. */
export function createRequestDescriber(config: Pick<Config, 'proxies'>): DescribeRequest {
  const trust = createProxyTrust(config.proxies);
  const anyTrusted = config.proxies.trust.sources.length > 0 || config.proxies.trust.secret !== undefined;
  // The scheme browsers use for the app: that of the sign-in URL, which is on the app's origin.
  const publicScheme: Read<'http' | 'https'> = Object.freeze({ ok: true, value: config.proxies.signinUrl?.protocol === 'http:' ? 'http' : 'https' });
  const method = remembering(readMethod, 64);
  const host = remembering(readHost, 16);
  return (req) => {
    const trusted = anyTrusted && trust(req) === undefined;
    const m = method(req.method, 'the method');
    const u = readUri(req.url, 'the request path');
    const forwardedHost = trusted ? single(req, 'x-forwarded-host') : NOT_SENT;
    const forwardedProto = trusted ? single(req, 'x-forwarded-proto') : NOT_SENT;
    const fromProxy = forwardedHost.ok && forwardedHost.value !== undefined;
    const h = fromProxy ? host(forwardedHost.value, 'x-forwarded-host') : host(req.headers.host, 'host');
    const s = forwardedProto.ok && forwardedProto.value !== undefined ? readScheme(forwardedProto.value, 'x-forwarded-proto') : publicScheme;
    const uri = u.ok ? u.value : '/';
    const query = uri.indexOf('?');
    const rawPath = query === -1 ? uri : uri.slice(0, query);
    const routed = routedPath(uri, rawPath);
    if (!m.ok || !u.ok || !forwardedHost.ok || !forwardedProto.ok || !h.ok || !s.ok || !routed.ok) {
      const problems: string[] = [];
      for (const r of [m, u, forwardedHost, forwardedProto, h, s]) if (!r.ok) problems.push(r.problem);
      if (u.ok && !routed.ok) problems.push(`the request path ${routed.problem}`);
      return { ok: false, problem: problems.join('; ') };
    }
    const peer = peerOf(req);
    const forwardedFor = req.headers['x-forwarded-for'];
    return {
      ok: true,
      value: {
        method: m.value,
        scheme: s.value,
        host: h.value,
        uri,
        clientIp: (trusted ? lastForwardedFor(typeof forwardedFor === 'string' ? forwardedFor : undefined) : undefined) ?? peer,
        wantsPage: wantsPage(req.headers),
        rawPath,
        path: routed.path,
        peer,
        trusted,
      },
    };
  };
}

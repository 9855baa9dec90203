/**
 * Whether a request comes from a proxy trusted to describe the original request in X-Forwarded-*
 * (its peer address in `GATEHOUSE_TRUSTED_PROXY_SOURCES` and/or the shared secret). A client that
 * reaches gatehouse directly could otherwise write any X-Forwarded-Uri it likes and have a policy
 * judge a path it never requested.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { checkUpstream, compileUpstreamTrust } from '../http/upstream-trust.ts';
import type { ProxySettings } from '../config/config.ts';

/** Undefined when trusted, otherwise why not (for the log). */
export type ProxyTrustCheck = (req: IncomingMessage) => string | undefined;

const WHY = {
  unconfigured: 'no trusted proxy is configured: set GATEHOUSE_TRUSTED_PROXY_SOURCES and/or GATEHOUSE_TRUSTED_PROXY_SECRET',
  network: 'the peer address is not in GATEHOUSE_TRUSTED_PROXY_SOURCES',
  secret: 'the trusted proxy secret is missing or wrong',
} as const;

/** Compiles the trust rule once; config problems were reported at start-up. */
export function createProxyTrust(settings: ProxySettings): ProxyTrustCheck {
  const trust = compileUpstreamTrust(settings.trust.sources, settings.trust.secret, { sources: '', secret: '' }, []);
  const check = (req: IncomingMessage): string | undefined => {
    const failed = checkUpstream(trust, req.headers, req.socket.remoteAddress);
    return failed === undefined ? undefined : WHY[failed];
  };
  if (trust.secretHeader !== undefined && trust.secretDigests.length > 0) return check;
  // Without a secret the answer depends on the peer address alone, which a connection keeps: it is
  // worked out once per connection, not for every check a proxy sends over it.
  // '' stands for trusted: every reason is a non-empty sentence.
  const byConnection = new WeakMap<Socket, string>();
  return (req) => {
    const { socket } = req;
    const known = byConnection.get(socket);
    if (known !== undefined) return known === '' ? undefined : known;
    const answer = check(req);
    // A socket that has lost its peer (closed under us) is asked again rather than remembered.
    if (socket.remoteAddress !== undefined) byConnection.set(socket, answer ?? '');
    return answer;
  };
}

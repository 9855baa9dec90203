/**
 * GET /oauth2/forward-auth: Traefik's ForwardAuth, Caddy's forward_auth, APISIX's forward-auth.
 * The proxy sends a GET to a fixed address (its query is the route policy, as /oauth2/auth's)
 * and describes the original request in X-Forwarded-Method, -Proto, -Host, -Uri and -For, which
 * are believed only from a trusted proxy. The answer goes to the client as it is, so gatehouse
 * redirects browsers to sign-in itself.
 */
import { REASONS } from '../../policy/reasons.ts';
import { lastForwardedFor, readHost, readMethod, readScheme, readUri, rememberingReader, single, type Read } from '../forwarded-values.ts';
import { factsOf, wantsPage, type OriginalRequest } from '../original-request.ts';
import { writeRefusal, type AdapterDeps, type AdapterRefusal, type ProxyAdapter } from '../proxy-adapter.ts';
import { createProxyTrust } from '../proxy-trust.ts';
import { createRedirectingAnswer } from '../redirecting-answer.ts';

const CLIENT_QUERY =
  "the route query is the client's own query string: the proxy passed it on because the check address has no query; end the address with '?' (Caddy: uri /oauth2/forward-auth?)";

/** Whether `query` is everything after the first "?" of `uri`, compared in place. */
const isQueryOf = (query: string, uri: string): boolean => {
  const q = uri.indexOf('?');
  return q !== -1 && uri.length - q - 1 === query.length && uri.endsWith(query);
};

const valueOf = (read: Read<string | undefined>): string | undefined => (read.ok ? read.value : undefined);
/** Every problem, the repeated headers first, as one message for the log. */
const problemsOf = (reads: ReadonlyArray<Read<unknown>>): string => reads.flatMap((r) => (r.ok ? [] : [r.problem])).join('; ');

const invalid = (detail: string): AdapterRefusal => ({ refused: true, status: 400, reason: REASONS.forwardedRequestInvalid, detail });

/** Creates the forward-auth adapter. */
export function createForwardAuthAdapter(deps: AdapterDeps): ProxyAdapter {
  const trusted = createProxyTrust(deps.config.proxies);
  const answer = createRedirectingAnswer(deps, 'empty-values');
  // A proxy describes its requests with few methods and hosts: each is matched once.
  const method = rememberingReader(readMethod, 64);
  const host = rememberingReader(readHost, 256);
  return {
    endpoint: '/oauth2/forward-auth',
    read(req) {
      const untrusted = trusted(req);
      if (untrusted !== undefined) return { refused: true, status: 401, reason: REASONS.proxyUntrusted, detail: untrusted };
      const sentMethod = single(req, 'x-forwarded-method');
      const sentScheme = single(req, 'x-forwarded-proto');
      const sentHost = single(req, 'x-forwarded-host');
      const sentUri = single(req, 'x-forwarded-uri');
      const sentFor = single(req, 'x-forwarded-for');
      const m = method(valueOf(sentMethod), 'x-forwarded-method');
      const s = readScheme(valueOf(sentScheme), 'x-forwarded-proto');
      const h = host(valueOf(sentHost), 'x-forwarded-host');
      const u = readUri(valueOf(sentUri), 'x-forwarded-uri');
      if (!sentMethod.ok || !sentScheme.ok || !sentHost.ok || !sentUri.ok || !sentFor.ok || !m.ok || !s.ok || !h.ok || !u.ok) {
        return invalid(problemsOf([sentMethod, sentScheme, sentHost, sentUri, sentFor, m, s, h, u]));
      }
      const original: OriginalRequest = { method: m.value, scheme: s.value, host: h.value, uri: u.value, clientIp: lastForwardedFor(sentFor.value), wantsPage: wantsPage(req.headers) };
      const url = req.url ?? '';
      const q = url.indexOf('?');
      const routeQuery = q === -1 ? '' : url.slice(q + 1);
      // Caddy keeps the client's query when the check's uri has none: the client would pick the policy.
      if (routeQuery !== '' && isQueryOf(routeQuery, original.uri)) return invalid(CLIENT_QUERY);
      return { routeQuery, facts: () => factsOf(original), original };
    },
    answer(outcome, request, req, res) {
      // read() always describes the original request for this family.
      return answer(outcome, request.original as OriginalRequest, req, res);
    },
    refuse: writeRefusal,
  };
}

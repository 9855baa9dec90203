/**
 * GET /oauth2/forward-auth: Traefik's ForwardAuth, Caddy's forward_auth, APISIX's forward-auth.
 * The proxy sends a GET to a fixed address (its query is the route policy, as /oauth2/auth's)
 * and describes the original request in X-Forwarded-Method, -Proto, -Host, -Uri and -For, which
 * are believed only from a trusted proxy. The answer goes to the client as it is, so gatehouse
 * redirects browsers to sign-in itself.
 */
import { REASONS } from '../../policy/reasons.ts';
import { lastForwardedFor, readHost, readMethod, readScheme, readUri, single, type Read } from '../forwarded-values.ts';
import { factsOf, wantsPage, type OriginalRequest } from '../original-request.ts';
import { writeRefusal, type AdapterDeps, type AdapterRefusal, type ProxyAdapter } from '../proxy-adapter.ts';
import { createProxyTrust } from '../proxy-trust.ts';
import { createRedirectingAnswer } from '../redirecting-answer.ts';

const CLIENT_QUERY =
  "the route query is the client's own query string: the proxy passed it on because the check address has no query; end the address with '?' (Caddy: uri /oauth2/forward-auth?)";

const queryOf = (uri: string): string => {
  const q = uri.indexOf('?');
  return q === -1 ? '' : uri.slice(q + 1);
};

const invalid = (detail: string): AdapterRefusal => ({ refused: true, status: 400, reason: REASONS.forwardedRequestInvalid, detail });

/** Creates the forward-auth adapter. */
export function createForwardAuthAdapter(deps: AdapterDeps): ProxyAdapter {
  const trusted = createProxyTrust(deps.config.proxies);
  const answer = createRedirectingAnswer(deps, 'empty-values');
  return {
    endpoint: '/oauth2/forward-auth',
    read(req) {
      const untrusted = trusted(req);
      if (untrusted !== undefined) return { refused: true, status: 401, reason: REASONS.proxyUntrusted, detail: untrusted };
      const values: Array<Read<string | undefined>> = ['x-forwarded-method', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-uri', 'x-forwarded-for'].map((name) => single(req, name));
      const [method, scheme, host, uri, forwardedFor] = values.map((v) => (v.ok ? v.value : undefined));
      const problems = values.flatMap((v) => (v.ok ? [] : [v.problem]));
      const m = readMethod(method, 'x-forwarded-method');
      const s = readScheme(scheme, 'x-forwarded-proto');
      const h = readHost(host, 'x-forwarded-host');
      const u = readUri(uri, 'x-forwarded-uri');
      for (const r of [m, s, h, u]) if (!r.ok) problems.push(r.problem);
      if (problems.length > 0 || !m.ok || !s.ok || !h.ok || !u.ok) return invalid(problems.join('; '));
      const original: OriginalRequest = { method: m.value, scheme: s.value, host: h.value, uri: u.value, clientIp: lastForwardedFor(forwardedFor), wantsPage: wantsPage(req.headers) };
      const url = req.url ?? '';
      const q = url.indexOf('?');
      const routeQuery = q === -1 ? '' : url.slice(q + 1);
      // Caddy keeps the client's query when the check's uri has none: the client would pick the policy.
      if (routeQuery !== '' && routeQuery === queryOf(original.uri)) return invalid(CLIENT_QUERY);
      return { routeQuery, facts: () => factsOf(original), original };
    },
    answer(outcome, request, req, res) {
      // read() always describes the original request for this family.
      return answer(outcome, request.original as OriginalRequest, req, res);
    },
    refuse: writeRefusal,
  };
}

/**
 * ANY /oauth2/ext-authz/* and /oauth2/ext-authz-route/<query>/*: Envoy's HTTP ext_authz, used by
 * Envoy Gateway (SecurityPolicy extAuth.http), Istio (CUSTOM with envoyExtAuthzHttp), kgateway
 * and the Gateway API ExternalAuth filter. The original method is the request's own, the host is
 * Host, the scheme is X-Forwarded-Proto (when the proxy lists it), and the original path and
 * query follow the prefix. Envoy allows on 200 only and hands every other answer to the client.
 */
import { REASONS } from '../../policy/reasons.ts';
import { readHost, readMethod, readScheme, readUri, single } from '../forwarded-values.ts';
import { factsOf, wantsPage, type OriginalRequest } from '../original-request.ts';
import { writeRefusal, type AdapterDeps, type AdapterRefusal, type ProxyAdapter } from '../proxy-adapter.ts';
import { createProxyTrust } from '../proxy-trust.ts';
import { createRedirectingAnswer } from '../redirecting-answer.ts';
import { parseExtAuthzPath } from './ext-authz-path.ts';

/**
 * The client's address: Envoy's ext_authz HTTP client appends its own address to X-Forwarded-For
 * (envoyproxy/envoy#21519), so the client is the entry before the last, present only when the
 * route lists x-forwarded-for in the headers sent to the check. A lone entry is Envoy itself.
 */
function envoyClientAddress(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const entries = value.split(',').map((e) => e.trim());
  return entries.length < 2 ? undefined : entries[entries.length - 2] || undefined;
}

const invalid = (detail: string): AdapterRefusal => ({ refused: true, status: 400, reason: REASONS.forwardedRequestInvalid, detail });

/** Creates the ext-authz adapter. */
export function createExtAuthzAdapter(deps: AdapterDeps): ProxyAdapter {
  const trusted = createProxyTrust(deps.config.proxies);
  const answer = createRedirectingAnswer(deps, 'envoy-remove');
  // Envoy sends X-Forwarded-Proto only when listed in headersToExtAuth; without it, the scheme
  // gatehouse itself is reached under for sign-in is the best guess.
  const defaultScheme: 'http' | 'https' = deps.config.proxies.signinUrl?.protocol === 'http:' ? 'http' : 'https';
  return {
    endpoint: '/oauth2/ext-authz',
    read(req) {
      const untrusted = trusted(req);
      if (untrusted !== undefined) return { refused: true, status: 401, reason: REASONS.proxyUntrusted, detail: untrusted };
      const path = parseExtAuthzPath(req.url ?? '');
      if (!path.ok) return invalid(path.problem);
      const proto = single(req, 'x-forwarded-proto');
      const forwardedFor = single(req, 'x-forwarded-for');
      const m = readMethod(req.method, 'the method');
      const s = proto.ok && proto.value === undefined ? { ok: true as const, value: defaultScheme } : readScheme(proto.ok ? proto.value : undefined, 'x-forwarded-proto');
      const h = readHost(req.headers.host, 'host');
      const u = readUri(path.uri, 'the original path');
      const problems = [proto, forwardedFor, m, s, h, u].flatMap((r) => (r.ok ? [] : [r.problem]));
      if (problems.length > 0 || !m.ok || !s.ok || !h.ok || !u.ok) return invalid(problems.join('; '));
      const original: OriginalRequest = {
        method: m.value,
        scheme: s.value,
        host: h.value,
        uri: u.value,
        clientIp: envoyClientAddress(forwardedFor.ok ? forwardedFor.value : undefined),
        wantsPage: wantsPage(req.headers),
      };
      return { routeQuery: path.routeQuery, facts: () => factsOf(original), original };
    },
    answer(outcome, request, req, res) {
      return answer(outcome, request.original as OriginalRequest, req, res);
    },
    refuse: writeRefusal,
  };
}

/**
 * GET /oauth2/auth: nginx's auth_request, as ingress-nginx, NGINX Gateway Fabric's ExternalAuth
 * filter, F5 nginx-ingress and plain nginx use it, and the hot path: every request to every
 * protected app passes here. The route policy is the query (or, at /oauth2/auth-route/<query>,
 * the path segment); the original request is read from
 * X-Original-Method, X-Original-URL and X-Real-IP only when a policy looks at it. Answers are
 * 200 with identity headers, 401 when not signed in, 403 when signed in but not allowed, a fast
 * 5xx when anything fails, and never a 3xx (nginx turns it into a 500). A 401 names the sign-in
 * URL in X-Gatehouse-Signin for proxies that can redirect on it. Where tokens are accepted, a 401
 * for a machine and a 403 for a token lacking the route's scope carry RFC 6750's WWW-Authenticate
 * (nginx hands a 401's to the client; the body never reaches it, so none is sent).
 */
import type { IncomingMessage } from 'node:http';
import type { CheckOutcome } from '../../check/check-outcome.ts';
import type { AppDeps } from '../../deps.ts';
import { requestFacts } from '../../policy/named/request-facts.ts';
import { createBasicChallenge, limitedHeaders } from '../basic-challenge.ts';
import { readHost, readUri } from '../forwarded-values.ts';
import { acceptsTokens, insufficientScopeAnswer, isMachine, missingScopes, unauthenticatedAnswer } from '../machine-answers.ts';
import { wantsPage } from '../original-request.ts';
import { NO_STORE, writeRefusal, type ProxyAdapter } from '../proxy-adapter.ts';
import { createSignInTarget } from '../sign-in-target.ts';

/** The response header of a 401 carrying the sign-in URL with the original URL as rd. */
export const SIGNIN_HEADER = 'X-Gatehouse-Signin';

// "$scheme://$http_host$request_uri", as ingress-nginx and its look-alikes send it.
const ORIGINAL_URL = /^(https?):\/\/([^/?#]+)(\/.*)?$/i;

/**
 * The path form of the route policy, for proxies whose check address cannot hold a query (NGINX
 * Gateway Fabric's ExternalAuth filter): `/oauth2/auth-route/<route query>`.
 */
export const AUTH_ROUTE_PREFIX = '/oauth2/auth-route/';

/**
 * Every answer is headers only, and says so. Headers given to writeHead as a list are sent before
 * end() could count the body, so without this Node sends an empty chunked body; nginx does not
 * read the body of an auth subrequest and then closes the connection instead of keeping it
 * (auth-keepalive), which made every other check open a new connection to gatehouse.
 */
const EMPTY_BODY = ['Content-Length', '0'] as const;

/** The list with EMPTY_BODY appended, made once per list: an allow's list is the same array for every check of a session. */
const withEmptyBody = new WeakMap<readonly string[], string[]>();
function answerHeaders(headers: readonly string[]): string[] {
  let answer = withEmptyBody.get(headers);
  if (answer === undefined) {
    answer = Object.freeze([...headers, ...EMPTY_BODY]) as string[];
    withEmptyBody.set(headers, answer);
  }
  return answer;
}

/** The route query: after "?" on /oauth2/auth, or the segment after the path form's prefix. */
function routeQueryOf(url: string): string {
  if (url.startsWith(AUTH_ROUTE_PREFIX)) {
    const rest = url.slice(AUTH_ROUTE_PREFIX.length);
    const end = rest.search(/[/?]/);
    return end === -1 ? rest : rest.slice(0, end);
  }
  const q = url.indexOf('?');
  return q === -1 ? '' : url.slice(q + 1);
}

/** Creates the auth_request adapter. */
export function createAuthRequestAdapter(deps: Pick<AppDeps, 'config'>): ProxyAdapter {
  const links = createSignInTarget(deps.config);
  const signinUrl = deps.config.proxies.signinUrl?.href;

  const tokens = acceptsTokens(deps.config.identitySources);
  const basicChallenge = createBasicChallenge(deps.config);

  const signinHeaders = (req: IncomingMessage): readonly string[] => {
    if (!links || signinUrl === undefined) return NO_STORE;
    const raw = req.headers['x-original-url'];
    const match = typeof raw === 'string' ? ORIGINAL_URL.exec(raw) : null;
    const host = readHost(match?.[2], 'x-original-url');
    const uri = readUri(match?.[3] ?? '/', 'x-original-url');
    // Without a usable original URL the sign-in URL still helps; it just returns to "/".
    const target = match && host.ok && uri.ok ? links({ scheme: match[1]?.toLowerCase() === 'https' ? 'https' : 'http', host: host.value, uri: uri.value }).signIn : signinUrl;
    return [...NO_STORE, SIGNIN_HEADER, target];
  };

  const unauthenticatedHeaders = (req: IncomingMessage, outcome: Extract<CheckOutcome, { kind: 'unauthenticated' }>): readonly string[] => {
    // A refused or missing login and password: the client asks for them again.
    const basic = basicChallenge(outcome.reasons);
    if (basic !== undefined) return [...NO_STORE, 'WWW-Authenticate', basic];
    const headers = signinHeaders(req);
    if (!tokens || !isMachine(req.headers, wantsPage(req.headers))) return headers;
    return [...headers, 'WWW-Authenticate', unauthenticatedAnswer(outcome.reasons).challenge];
  };

  const deniedHeaders = (outcome: Extract<CheckOutcome, { kind: 'deny' }>): readonly string[] => {
    const scopes = missingScopes(outcome.reasons, outcome.route?.query.allowedScopes);
    return scopes === undefined ? NO_STORE : [...NO_STORE, 'WWW-Authenticate', insufficientScopeAnswer(scopes).challenge];
  };

  return {
    endpoint: '/oauth2/auth',
    read(req) {
      const url = req.url ?? '';
      return { routeQuery: routeQueryOf(url), facts: () => requestFacts(req.headers), original: undefined };
    },
    answer(outcome, _request, req, res) {
      // nginx discards the body and needs no Date; one writeHead with a flat list is Node's cheapest path.
      res.sendDate = false;
      // nginx turns any status but 200, 401 and 403 into a 500 for the client: too many failed
      // passwords is a 403 here, with Retry-After for a proxy configured to pass it on.
      if (outcome.kind === 'limited') {
        res.writeHead(403, [...limitedHeaders(NO_STORE, outcome.retryAfterSeconds), ...EMPTY_BODY]);
        res.end();
        return 403;
      }
      const headers =
        outcome.kind === 'allow'
          ? outcome.headers
          : outcome.kind === 'unauthenticated'
            ? unauthenticatedHeaders(req, outcome)
            : outcome.kind === 'deny'
              ? deniedHeaders(outcome)
              : NO_STORE;
      res.writeHead(outcome.status, outcome.kind === 'allow' ? answerHeaders(headers) : [...headers, ...EMPTY_BODY]);
      res.end();
      return outcome.status;
    },
    refuse: writeRefusal,
  };
}

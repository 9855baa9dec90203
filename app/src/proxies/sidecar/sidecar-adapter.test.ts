/**
 * The sidecar adapter under the adapter contract. Its allow answer is the app's, so a stub app
 * stands in for the exchange: it answers 200 with the identity headers that reached it, and reports
 * each owned header that did not reach it as empty, which is what the contract asks of a family
 * (no client copy can arrive). The rest holds as for every family: a browser not signed in is sent
 * to sign-in, others get 401, a denial is 403, a failure its 5xx, garbage is a 400 and never a crash.
 */
import type { ServerResponse } from 'node:http';
import { loadConfig } from '../../config/load-config.ts';
import { CONTRACT_ENV, type FamilyRequest } from '../../../test/support/adapter-server.ts';
import { runProxyAdapterContract, type DescribedRequest } from '../adapter.contract.ts';
import type { AdapterDeps } from '../proxy-adapter.ts';
import type { Forward } from './proxy-exchange.ts';
import { createSidecarAdapter } from './sidecar-adapter.ts';
import { createRequestDescriber } from './sidecar-request.ts';
import { parseSidecarRoutes } from './route-table.ts';
import { createUpstreamHeaders } from './upstream-headers.ts';

const OWNED = ['X-Auth-Request-User', 'X-Auth-Request-Email', 'X-Auth-Request-Groups', 'X-Auth-Request-Preferred-Username', 'X-Auth-Request-Roles'];

/** The stub app: answers with what reached it of gatehouse's own headers. */
const stubApp: Forward = (_req, res: ServerResponse, _original, headers) => {
  const seen = new Map<string, string>();
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i] as string;
    if (name.toLowerCase().startsWith('x-auth-request-')) seen.set(name, headers[i + 1] as string);
  }
  const answer: string[] = [];
  for (const name of OWNED) answer.push(name, seen.get(name) ?? '');
  res.writeHead(200, answer);
  res.end();
};

/** A browser or API client talking to the sidecar through a trusted proxy that says who it is. */
function direct(o: DescribedRequest, overrides: Record<string, string | string[]> = {}): FamilyRequest {
  return {
    method: o.method,
    path: o.uri,
    headers: {
      host: o.host,
      accept: o.page ? 'text/html,application/xhtml+xml,*/*;q=0.8' : 'application/json',
      'x-forwarded-proto': o.scheme,
      'x-forwarded-for': o.clientIp,
      ...overrides,
    },
  };
}

const plain: DescribedRequest = { method: 'GET', scheme: 'https', host: 'app.example.com', uri: '/a', clientIp: '203.0.113.7', page: false };

function create(deps: AdapterDeps) {
  const routes = parseSidecarRoutes(undefined, () => undefined, []);
  const config = loadConfig({ ...CONTRACT_ENV, GATEHOUSE_UPSTREAM: 'http://127.0.0.1:9' });
  const parts = { routes, describe: createRequestDescriber(deps.config), headersFor: createUpstreamHeaders(config, () => deps.config.identity) };
  return createSidecarAdapter(deps, parts, stubApp);
}

runProxyAdapterContract('sidecar', {
  create,
  describe: (o) => direct(o),
  redirects: true,
  needsTrust: false,
  endpoints: ['/'],
  malformed: [
    // (An HTTP/1.1 request without Host never gets here: Node answers it 400 itself.)
    ['a Host with a port above 65535', direct(plain, { host: 'app.example.com:70000' })],
    ['a Host that is not a host name', direct(plain, { host: 'app.example.com@evil.example' })],
    ['a path climbing above "/"', { ...direct(plain), path: '/a/../../etc' }],
    ['a path with a malformed escape', { ...direct(plain), path: '/a%zz' }],
    ['a scheme from the trusted proxy that is not http(s)', direct(plain, { 'x-forwarded-proto': 'ftp' })],
    ['a repeated X-Forwarded-Host from the trusted proxy', direct(plain, { 'x-forwarded-host': ['app.example.com', 'evil.example'] })],
  ],
});

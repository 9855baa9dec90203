import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../config/load-config.ts';
import { REASONS } from '../../policy/reasons.ts';
import { adapterDeps, CONTRACT_ENV, send, serveAdapter, type AdapterServer, type FamilyRequest } from '../../../test/support/adapter-server.ts';
import { runProxyAdapterContract, type DescribedRequest } from '../adapter.contract.ts';
import { createForwardAuthAdapter } from './forward-auth-adapter.ts';

/** What Traefik or Caddy sends for `o`: a GET to the fixed address, the original in X-Forwarded-*. */
function forwardAuth(o: DescribedRequest, overrides: Record<string, string | string[]> = {}): FamilyRequest {
  return {
    method: 'GET',
    path: '/oauth2/forward-auth?allowed_groups=admins',
    headers: {
      host: 'gatehouse.auth.svc:4180',
      accept: o.page ? 'text/html,application/xhtml+xml,*/*;q=0.8' : 'application/json',
      'x-forwarded-method': o.method,
      'x-forwarded-proto': o.scheme,
      'x-forwarded-host': o.host,
      'x-forwarded-uri': o.uri,
      'x-forwarded-for': o.clientIp,
      ...overrides,
    },
  };
}

const plain: DescribedRequest = { method: 'GET', scheme: 'https', host: 'app.example.com', uri: '/a', clientIp: '203.0.113.7', page: false };

runProxyAdapterContract('forward-auth', {
  create: createForwardAuthAdapter,
  describe: (o) => forwardAuth(o),
  redirects: true,
  needsTrust: true,
  endpoints: ['/oauth2/forward-auth', '/oauth2/forward-auth?'],
  malformed: [
    ['no X-Forwarded-Uri', forwardAuth(plain, { 'x-forwarded-uri': [] })],
    ['no X-Forwarded-Method', forwardAuth(plain, { 'x-forwarded-method': [] })],
    ['repeated X-Forwarded-Host', forwardAuth(plain, { 'x-forwarded-host': ['app.example.com', 'evil.example'] })],
    ['repeated X-Forwarded-For', forwardAuth(plain, { 'x-forwarded-for': ['203.0.113.7', '10.0.0.1'] })],
    ['a scheme that is not http(s)', forwardAuth(plain, { 'x-forwarded-proto': 'ftp' })],
    ['a host with userinfo', forwardAuth(plain, { 'x-forwarded-host': 'app.example.com@evil.example' })],
    ['a uri in absolute form', forwardAuth(plain, { 'x-forwarded-uri': 'https://evil.example/' })],
    // Caddy passes the client's query on when the check's uri has none: the client would pick the policy.
    ['a route query that is only the client\'s own', forwardAuth({ ...plain, uri: '/a?allowed_groups=admins' })],
  ],
});

describe('forward-auth trust by shared secret', () => {
  const SECRET = 'a-proxy-secret-of-32-characters!';
  let server: AdapterServer;
  before(async () => {
    const config = loadConfig({ ...CONTRACT_ENV, GATEHOUSE_TRUSTED_PROXY_SOURCES: '', GATEHOUSE_TRUSTED_PROXY_SECRET: SECRET });
    server = await serveAdapter(createForwardAuthAdapter(adapterDeps(config)), { kind: 'unauthenticated', status: 401, reasons: [REASONS.sessionMissing] });
  });
  after(() => server.close());

  it('believes X-Forwarded-* only with the secret, exactly once and exactly equal', async () => {
    const page = { ...plain, page: true };
    assert.equal((await send(server.port, forwardAuth(page, { 'x-gatehouse-proxy-secret': SECRET }))).status, 302);
    for (const wrong of [[], [`${SECRET}x`], [SECRET.slice(1)], [SECRET, SECRET], [SECRET.toUpperCase()]]) {
      const answer = await send(server.port, forwardAuth(page, { 'x-gatehouse-proxy-secret': wrong }));
      assert.equal(answer.status, 401, JSON.stringify(wrong));
      assert.equal(answer.headers.location, undefined);
      assert.equal(server.seen?.reason, REASONS.proxyUntrusted);
    }
  });
});

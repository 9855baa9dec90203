import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../config/load-config.ts';
import { REASONS } from '../../policy/reasons.ts';
import { adapterDeps, CONTRACT_ENV, send, serveAdapter, type AdapterServer, type FamilyRequest } from '../../../test/support/adapter-server.ts';
import { runProxyAdapterContract, type DescribedRequest } from '../adapter.contract.ts';
import { createExtAuthzAdapter } from './ext-authz-adapter.ts';

/** What Envoy sends for `o`: the original method, Host, and the prefix followed by the original path. */
function extAuthz(o: DescribedRequest, prefix = '/oauth2/ext-authz-route/allowed_groups=admins', overrides: Record<string, string | string[]> = {}): FamilyRequest {
  return {
    method: o.method,
    path: `${prefix}${o.uri}`,
    headers: {
      host: o.host,
      'content-length': '0',
      accept: o.page ? 'text/html,application/xhtml+xml,*/*;q=0.8' : 'application/json',
      'x-forwarded-proto': o.scheme,
      // Envoy's check client appends its own address to the list it was given (envoyproxy/envoy#21519).
      'x-forwarded-for': `${o.clientIp}, 10.244.0.17`,
      ...overrides,
    },
  };
}

const plain: DescribedRequest = { method: 'GET', scheme: 'https', host: 'app.example.com', uri: '/a', clientIp: '203.0.113.7', page: false };

runProxyAdapterContract('ext-authz', {
  create: createExtAuthzAdapter,
  describe: (o) => extAuthz(o),
  redirects: true,
  needsTrust: true,
  endpoints: ['/oauth2/ext-authz', '/oauth2/ext-authz/', '/oauth2/ext-authz-route/', '/oauth2/ext-authz-route/policy=x/'],
  malformed: [
    ['a Host with a port above 65535', extAuthz(plain, undefined, { host: 'app.example.com:65536' })],
    ['a Host with userinfo', extAuthz(plain, undefined, { host: 'user@app.example.com' })],
    ['repeated X-Forwarded-Proto', extAuthz(plain, undefined, { 'x-forwarded-proto': ['https', 'http'] })],
    ['X-Forwarded-Proto other than http(s)', extAuthz(plain, undefined, { 'x-forwarded-proto': 'gopher' })],
    ['a route query without a path after it', extAuthz({ ...plain, uri: '' }, '/oauth2/ext-authz-route/allowed_groups=admins')],
    ['an empty route query', extAuthz(plain, '/oauth2/ext-authz-route/')],
  ],
});

describe('ext-authz without X-Forwarded-Proto', () => {
  const servers: AdapterServer[] = [];
  const unauthenticated = { kind: 'unauthenticated', status: 401, reasons: [REASONS.sessionMissing] } as const;
  before(async () => {
    for (const signin of ['https://auth.example.com/oauth2/start', 'http://auth.example.com/oauth2/start']) {
      const config = loadConfig({ ...CONTRACT_ENV, GATEHOUSE_SIGNIN_URL: signin });
      servers.push(await serveAdapter(createExtAuthzAdapter(adapterDeps(config)), unauthenticated));
    }
  });
  after(async () => {
    for (const server of servers) await server.close();
  });

  it('takes the sign-in URL\'s scheme for the rd (Envoy sends X-Forwarded-Proto only when listed)', async () => {
    const page = { ...plain, page: true, uri: '/r?x=1' };
    const [https, http] = servers.map((s) => s.port);
    const viaHttps = await send(https ?? 0, extAuthz(page, '/oauth2/ext-authz', { 'x-forwarded-proto': [] }));
    assert.equal(viaHttps.headers.location, `https://auth.example.com/oauth2/start?rd=${encodeURIComponent('https://app.example.com/r?x=1')}`);
    const viaHttp = await send(http ?? 0, extAuthz(page, '/oauth2/ext-authz', { 'x-forwarded-proto': [] }));
    assert.equal(viaHttp.headers.location, `http://auth.example.com/oauth2/start?rd=${encodeURIComponent('http://app.example.com/r?x=1')}`);
  });
});

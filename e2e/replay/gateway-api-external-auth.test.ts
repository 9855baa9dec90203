/**
 * The Gateway API HTTPRoute ExternalAuth filter (protocol HTTP) in front of a real gatehouse,
 * replayed as an Envoy-based implementation runs it: the shared scenarios, the CRD's own check of
 * the prefixes gatehouse asks for, the headers always sent, and what reaches the backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { clientRequest, fetchHeaders, IDENTITY_HEADERS } from './client-request.ts';
import { GATEWAY_API_AUTH_PATH, gatewayApiExternalAuth, type GatewayApiExternalAuthHttp } from './envoy-family.ts';
import { headerOf, headersOf } from './raw-http.ts';
import { proxyScenarios, through } from './proxy-scenarios.ts';
import { startReplayHarness, type ReplayHarness } from './replay-harness.ts';

/** The filter's http stanza for a route, as the example HTTPRoute writes it. */
function http(query: string, overrides: Partial<GatewayApiExternalAuthHttp> = {}): GatewayApiExternalAuthHttp {
  return {
    path: query === '' ? '/oauth2/ext-authz' : `/oauth2/ext-authz-route/${query}`,
    allowedHeaders: ['cookie', 'accept', 'x-requested-with', 'sec-fetch-mode', 'x-forwarded-proto'],
    allowedResponseHeaders: [...IDENTITY_HEADERS],
    ...overrides,
  };
}

describe('Gateway API ExternalAuth filter, HTTP (replayed)', () => {
  let ctx: ReplayHarness;
  before(async () => {
    ctx = await startReplayHarness();
  });
  after(() => ctx.stop());

  proxyScenarios(() => ctx, (query) => gatewayApiExternalAuth(ctx.port, http(query)));

  it('every route form gatehouse serves is a valid http.path for the CRD', () => {
    for (const query of ['', 'allowed_groups=admins', 'policy=reads-only', 'backend=none', 'allowed_groups=admins,devs&backend=none', 'allowed_emails=a%40example.com']) {
      const path = http(query).path ?? '';
      assert.match(path, GATEWAY_API_AUTH_PATH, path);
    }
  });

  it('Authorization is sent whether listed or not, with Content-Length 0 and no body', async () => {
    const replay = await through(gatewayApiExternalAuth(ctx.port, http('')), clientRequest('/api', [...fetchHeaders(), ['Authorization', 'Bearer not-a-token']], { method: 'POST', body: 'x=1' }));
    assert.equal(headerOf(replay.check, 'authorization'), 'Bearer not-a-token');
    assert.equal(headerOf(replay.check, 'content-length'), '0');
    assert.equal(replay.check.method, 'POST');
    assert.equal(replay.client?.status, 401);
  });

  it('with allowedResponseHeaders empty, every answer header but Host reaches the backend', async () => {
    const all = gatewayApiExternalAuth(ctx.port, http('', { allowedResponseHeaders: [] }));
    const forged = [...fetchHeaders(ctx.alice), ['X-Auth-Request-User', 'mallory']] as const;
    const replay = await through(all, clientRequest('/', forged));
    for (const name of ['x-auth-request-user', 'x-auth-request-email', 'x-auth-request-groups']) assert.equal(headersOf(replay.upstream, name).length, 1, name);
    assert.deepEqual(headersOf(replay.upstream, 'x-auth-request-user'), ['alice']);
  });
});

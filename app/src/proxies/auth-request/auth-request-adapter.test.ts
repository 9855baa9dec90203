import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../config/load-config.ts';
import type { CheckOutcome } from '../../check/check-outcome.ts';
import { REASONS } from '../../policy/reasons.ts';
import { CONTRACT_ENV, send, serveAdapter, type AdapterServer, type FamilyRequest } from '../../../test/support/adapter-server.ts';
import { runProxyAdapterContract, type DescribedRequest } from '../adapter.contract.ts';
import { createAuthRequestAdapter, SIGNIN_HEADER } from './auth-request-adapter.ts';

/** What ingress-nginx sends for `o`: a GET to auth-url, the original in X-Original-URL/-Method and X-Real-IP. */
function authRequest(o: DescribedRequest, overrides: Record<string, string | string[]> = {}): FamilyRequest {
  return {
    method: 'GET',
    path: '/oauth2/auth?allowed_groups=admins',
    headers: {
      host: 'gatehouse.auth.svc:4180',
      accept: o.page ? 'text/html,application/xhtml+xml,*/*;q=0.8' : 'application/json',
      'x-original-url': `${o.scheme}://${o.host}${o.uri}`,
      'x-original-method': o.method,
      'x-real-ip': o.clientIp,
      ...overrides,
    },
  };
}

runProxyAdapterContract('auth-request', {
  create: createAuthRequestAdapter,
  describe: (o) => authRequest(o),
  // nginx turns a 3xx from auth_request into a 500: a browser is sent to sign-in by auth-signin.
  redirects: false,
  // ingress-nginx itself writes the X-Original-* headers; nothing here is believed for trust.
  needsTrust: false,
  malformed: [],
  endpoints: ['/oauth2/auth', '/oauth2/auth?'],
});

describe('auth-request X-Gatehouse-Signin', () => {
  let server: AdapterServer;
  before(async () => {
    server = await serveAdapter(createAuthRequestAdapter({ config: loadConfig({ ...CONTRACT_ENV }) }), {
      kind: 'unauthenticated',
      status: 401,
      reasons: [REASONS.sessionMissing],
    });
  });
  after(() => server.close());

  const signin = async (originalUrl: string | string[]) => {
    const o: DescribedRequest = { method: 'GET', scheme: 'https', host: 'x', uri: '/', clientIp: '203.0.113.7', page: true };
    const answer = await send(server.port, authRequest(o, { 'x-original-url': originalUrl }));
    assert.equal(answer.status, 401);
    return answer.headers[SIGNIN_HEADER.toLowerCase()];
  };
  const start = 'https://auth.example.com/oauth2/start';

  it('names the sign-in URL with the original URL as rd when its host is allowed', async () => {
    assert.equal(await signin('https://app.example.com/a?b=1'), `${start}?rd=${encodeURIComponent('https://app.example.com/a?b=1')}`);
    // On the sign-in origin a relative rd suffices.
    assert.equal(await signin('https://auth.example.com/x'), `${start}?rd=${encodeURIComponent('/x')}`);
  });

  it('falls back to rd=/ for a foreign or hostile original URL, and to the bare sign-in URL for an unusable one', async () => {
    for (const foreign of ['https://evil.example/a', 'https://app.example.com.evil.example/', 'https://app.example.com/%2e%2e/oauth2/callback', 'https://app.example.com//evil.example']) {
      assert.equal(await signin(foreign), `${start}?rd=%2F`, foreign);
    }
    for (const unusable of [[], 'javascript:alert(1)', '//evil.example/', 'https://app.example.com:99999/', ['https://a.example.com/', 'https://b.example.com/']]) {
      assert.equal(await signin(unusable), start, JSON.stringify(unusable));
    }
  });
});

describe('auth-request answers', () => {
  const outcomes = [
    { kind: 'allow', status: 200, user: 'alice', reasons: [], headers: ['X-Auth-Request-User', 'alice'] },
    { kind: 'unauthenticated', status: 401, reasons: [REASONS.sessionMissing], route: undefined },
    { kind: 'deny', status: 403, user: 'alice', reasons: [REASONS.groupUnauthorized], route: undefined },
    { kind: 'limited', status: 429, reasons: [REASONS.basicRateLimited], retryAfterSeconds: 5 },
    { kind: 'error', status: 503, user: undefined, reasons: [REASONS.storeUnavailable], err: new Error('down') },
  ] as const;

  // nginx reads no body from an auth subrequest: a chunked one, even empty, costs it the connection.
  it('are headers only with Content-Length: 0, never a chunked body, so nginx keeps the connection', async () => {
    for (const outcome of outcomes) {
      const server = await serveAdapter(createAuthRequestAdapter({ config: loadConfig({ ...CONTRACT_ENV }) }), outcome as unknown as CheckOutcome);
      try {
        const o: DescribedRequest = { method: 'GET', scheme: 'https', host: 'app.example.com', uri: '/', clientIp: '203.0.113.7', page: false };
        const answer = await send(server.port, authRequest(o));
        assert.equal(answer.headers['content-length'], '0', outcome.kind);
        assert.equal(answer.headers['transfer-encoding'], undefined, outcome.kind);
        assert.equal(answer.body, '', outcome.kind);
      } finally {
        await server.close();
      }
    }
  });
});

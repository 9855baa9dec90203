/**
 * Every proxy family answers the password sources' outcomes: a 401 for a Basic reason carries
 * `WWW-Authenticate: Basic realm="…"` (and never a sign-in redirect, even for a browser), and too
 * many failures answer 429 with Retry-After — except to nginx's auth_request, which turns any
 * status but 200, 401 and 403 into a 500 for the client, and so gets a 403 with Retry-After.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CheckOutcome } from '../check/check-outcome.ts';
import { loadConfig } from '../config/load-config.ts';
import { REASONS } from '../policy/reasons.ts';
import { adapterDeps, CONTRACT_ENV, send, serveAdapter, type AdapterServer, type FamilyRequest } from '../../test/support/adapter-server.ts';
import { createAuthRequestAdapter } from './auth-request/auth-request-adapter.ts';
import { createExtAuthzAdapter } from './ext-authz/ext-authz-adapter.ts';
import { createForwardAuthAdapter } from './forward-auth/forward-auth-adapter.ts';
import type { ProxyAdapter } from './proxy-adapter.ts';

const config = loadConfig({ ...CONTRACT_ENV, GATEHOUSE_BASIC_REALM: 'EventStoreDB' });
const CHALLENGE = 'Basic realm="EventStoreDB", charset="UTF-8"';
const BROWSER = 'text/html,application/xhtml+xml,*/*;q=0.8';

const families: ReadonlyArray<readonly [string, ProxyAdapter, (accept: string) => FamilyRequest, number]> = [
  ['auth_request', createAuthRequestAdapter({ config }), (accept) => ({ method: 'GET', path: '/oauth2/auth', headers: { host: 'gatehouse', accept, 'x-original-url': 'https://app.example.com/a' } }), 403],
  [
    'forward-auth',
    createForwardAuthAdapter(adapterDeps(config)),
    (accept) => ({
      method: 'GET',
      path: '/oauth2/forward-auth',
      headers: { host: 'gatehouse', accept, 'x-forwarded-method': 'GET', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'app.example.com', 'x-forwarded-uri': '/a', 'x-forwarded-for': '203.0.113.7' },
    }),
    429,
  ],
  [
    'ext-authz',
    createExtAuthzAdapter(adapterDeps(config)),
    (accept) => ({ method: 'GET', path: '/oauth2/ext-authz/a', headers: { host: 'app.example.com', accept, 'content-length': '0', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7, 10.0.0.1' } }),
    429,
  ],
];

for (const [family, adapter, request, limitedStatus] of families) {
  describe(`${family}: the password sources' answers`, () => {
    let server: AdapterServer;
    before(async () => {
      server = await serveAdapter(adapter, { kind: 'unauthenticated', status: 401, reasons: [REASONS.basicInvalid] });
    });
    after(() => server.close());

    it('a refused or missing login and password: 401 with the Basic challenge, for a script and a browser alike', async () => {
      for (const reason of [REASONS.basicInvalid, REASONS.basicMissing, REASONS.ldapGroupRequired]) {
        server.outcome = { kind: 'unauthenticated', status: 401, reasons: [reason] };
        for (const accept of ['application/json', BROWSER]) {
          const answer = await send(server.port, request(accept));
          assert.equal(answer.status, 401, `${reason} ${accept}`);
          assert.equal(answer.headers['www-authenticate'], CHALLENGE, `${reason} ${accept}`);
          assert.equal(answer.headers.location, undefined);
        }
      }
    });

    it('other sources keep their own challenge', async () => {
      server.outcome = { kind: 'unauthenticated', status: 401, reasons: [REASONS.bearerMissing] };
      const answer = await send(server.port, request('application/json'));
      assert.ok(!String(answer.headers['www-authenticate'] ?? '').startsWith('Basic'));
    });

    it(`too many failures: ${limitedStatus} with Retry-After, never cached`, async () => {
      const limited: CheckOutcome = { kind: 'limited', status: 429, reasons: [REASONS.basicRateLimited], retryAfterSeconds: 42 };
      server.outcome = limited;
      for (const accept of ['application/json', BROWSER]) {
        const answer = await send(server.port, request(accept));
        assert.equal(answer.status, limitedStatus, accept);
        assert.equal(answer.headers['retry-after'], '42');
        assert.equal(answer.headers['cache-control'], 'no-store');
        if (limitedStatus === 429 && accept === BROWSER) assert.match(answer.body, /Too many failed sign-in attempts\. Please try again in 42 seconds\./);
      }
    });
  });
}

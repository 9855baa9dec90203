/**
 * The contract every proxy adapter passes. An adapter's test file calls `runProxyAdapterContract`
 * with the adapter's factory and a function writing its family's request for a described original
 * request; the suite serves the adapter on a real loopback server over a stub pipeline outcome and
 * checks what the proxy would receive: allow is 200 with the outcome's headers, any owned identity
 * header it lacks emptied or named for removal; a person not signed in is never let through; a
 * denial is 403; a failure is its 5xx; a refusal is 400 or 401; `read()` never throws and never
 * reads the body; the request facts are the original's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { adapterDeps, CONTRACT_ENV, send, serveAdapter, type AdapterServer, type Answer, type FamilyRequest, type Seen } from '../../test/support/adapter-server.ts';
import type { CheckOutcome } from '../check/check-outcome.ts';
import { loadConfig } from '../config/load-config.ts';
import { nginxPath } from '../policy/named/nginx-path.ts';
import { REASONS } from '../policy/reasons.ts';
import type { AdapterDeps, ProxyAdapter } from './proxy-adapter.ts';

/** The request a client made to the proxy, as a test describes it. */
export interface DescribedRequest {
  readonly method: string;
  readonly scheme: 'http' | 'https';
  readonly host: string;
  /** Path and query as the client sent them. */
  readonly uri: string;
  readonly clientIp: string;
  /** A browser navigation (Accept: text/html) rather than an API call. */
  readonly page: boolean;
}

/** One proxy family under contract. */
export interface AdapterFamily {
  readonly create: (deps: AdapterDeps) => ProxyAdapter;
  /** The family's request describing `original`, as its proxy sends it. */
  readonly describe: (original: DescribedRequest) => FamilyRequest;
  /** True when a signed-out browser is redirected (302/303); false when it gets 401 like any client. */
  readonly redirects: boolean;
  /** True when the family believes its description only from a trusted proxy. */
  readonly needsTrust: boolean;
  /** Descriptions the family refuses with 400, by what is wrong with them. */
  readonly malformed: ReadonlyArray<readonly [what: string, request: FamilyRequest]>;
  /** The paths the app routes to this adapter, before any path or query of the request's own. */
  readonly endpoints: readonly string[];
}

const TRANSPORT = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
const outcomes = {
  allow: { kind: 'allow', status: 200, user: 'alice', reasons: [], headers: ['X-Auth-Request-User', 'alice', 'X-Auth-Request-Groups', 'admins,devs'] },
  unauthenticated: { kind: 'unauthenticated', status: 401, reasons: [REASONS.sessionMissing] },
  deny: { kind: 'deny', status: 403, user: 'bob', reasons: [REASONS.groupUnauthorized], route: undefined },
  error: (status: number): CheckOutcome => ({ kind: 'error', status, user: undefined, reasons: [REASONS.internalError], err: new Error('stub') }),
} as const;

// Read through a call, so that resetting `seen` before a request does not narrow it for the checks after.
const seenBy = (server: AdapterServer): Seen | undefined => server.seen;

const original = (over: Partial<DescribedRequest> = {}): DescribedRequest => ({
  method: 'GET', scheme: 'https', host: 'app.example.com', uri: '/docs/a?q=1', clientIp: '203.0.113.7', page: true, ...over,
});

/**
 * Registers the contract tests for one adapter family.
 * @param name - shown in the test names
 */
export function runProxyAdapterContract(name: string, family: AdapterFamily): void {
  describe(`ProxyAdapter contract: ${name}`, () => {
    let trusted: AdapterServer;
    let untrusted: AdapterServer;
    before(async () => {
      trusted = await serveAdapter(family.create(adapterDeps(loadConfig({ ...CONTRACT_ENV }))), outcomes.allow);
      const elsewhere = loadConfig({ ...CONTRACT_ENV, GATEHOUSE_TRUSTED_PROXY_SOURCES: '10.0.0.0/8' });
      untrusted = await serveAdapter(family.create(adapterDeps(elsewhere)), outcomes.allow);
    });
    after(async () => {
      await trusted.close();
      await untrusted.close();
    });
    const ask = async (outcome: CheckOutcome, described: DescribedRequest): Promise<Answer> => {
      trusted.outcome = outcome;
      const answer = await send(trusted.port, family.describe(described));
      assert.equal(trusted.seen?.threw, undefined);
      return answer;
    };

    it('allow: 200 with the outcome\'s headers; an owned header it lacks only emptied or named for removal', async () => {
      for (const described of [original(), original({ page: false }), original({ method: 'POST' })]) {
        const answer = await ask(outcomes.allow, described);
        assert.equal(answer.status, 200);
        const sent = Object.fromEntries(Object.entries(answer.headers).filter(([n]) => !TRANSPORT.has(n)));
        const { 'x-envoy-auth-headers-to-remove': removed = '', ...rest } = sent;
        assert.equal(rest['x-auth-request-user'], 'alice');
        assert.equal(rest['x-auth-request-groups'], 'admins,devs');
        for (const [name, value] of Object.entries(rest)) {
          if (name !== 'x-auth-request-user' && name !== 'x-auth-request-groups') assert.equal(value, '', `${name} may only be emptied`);
        }
        const removedNames = String(removed).split(',').map((n) => n.trim().toLowerCase()).filter(Boolean);
        for (const name of removedNames) assert.equal(rest[name], undefined, `${name} both removed and sent`);
        // Proxies that copy a listed set of answer headers keep a client's copy unless the answer
        // replaces or removes it; nginx's auth_request_set empties what the answer lacks by itself.
        if (family.redirects) assert.ok('x-auth-request-email' in rest || removedNames.includes('x-auth-request-email'), 'the email the outcome lacks is accounted for');
      }
    });

    it('unauthenticated: never let through; a redirect only for a browser, else 401 with a challenge', async () => {
      const cases: Array<[DescribedRequest, number]> = [
        [original(), family.redirects ? 302 : 401],
        [original({ method: 'HEAD' }), family.redirects ? 302 : 401],
        [original({ method: 'POST' }), family.redirects ? 303 : 401],
        [original({ page: false }), 401],
        [original({ page: false, method: 'DELETE' }), 401],
      ];
      for (const [described, status] of cases) {
        const answer = await ask(outcomes.unauthenticated, described);
        assert.equal(answer.status, status, `${described.method} page=${described.page}`);
        if (status === 401 && family.redirects) assert.ok(answer.headers['www-authenticate']);
        if (status !== 401) assert.match(answer.headers.location ?? '', /^https:\/\/auth\.example\.com\/oauth2\/start\?rd=/);
      }
    });

    it('deny: 403, never 2xx or 401, page or API call', async () => {
      for (const described of [original(), original({ page: false }), original({ method: 'POST' }), original({ method: 'HEAD' })]) {
        assert.equal((await ask(outcomes.deny, described)).status, 403);
      }
    });

    it('error: the outcome\'s own 5xx, never 2xx', async () => {
      for (const status of [500, 502, 503, 504]) {
        for (const described of [original(), original({ page: false })]) assert.equal((await ask(outcomes.error(status), described)).status, status);
      }
    });

    it('a refusal is 400 or 401 and never reaches the pipeline; a family needing no trust refuses no peer', async () => {
      const answer = await send(untrusted.port, family.describe(original()));
      if (family.needsTrust) {
        assert.equal(answer.status, 401);
        assert.ok(answer.headers['www-authenticate']);
        assert.deepEqual([untrusted.seen?.refused, untrusted.seen?.reason], [true, REASONS.proxyUntrusted]);
      } else {
        assert.deepEqual([answer.status, untrusted.seen?.refused], [200, false]);
      }
      for (const [what, req] of family.malformed) {
        trusted.seen = undefined;
        const refused = await send(trusted.port, req);
        assert.equal(refused.status, 400, what);
        assert.deepEqual([seenBy(trusted)?.refused, seenBy(trusted)?.reason], [true, REASONS.forwardedRequestInvalid], what);
      }
    });

    it('read() never throws and never answers 5xx, whatever the headers and path', async () => {
      trusted.outcome = outcomes.allow;
      const names = ['host', 'x-forwarded-method', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-uri', 'x-forwarded-for', 'x-original-url', 'x-original-method', 'x-real-ip', 'accept', 'x-requested-with', 'sec-fetch-mode'];
      const value = fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c === 0x7f ? 0x09 : c)), maxLength: 40 });
      const garbage = fc.record({
        path: fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
        endpoint: fc.constantFrom(...family.endpoints),
        method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'PROPFIND'),
        headers: fc.dictionary(fc.constantFrom(...names), fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 3 })), { maxKeys: 6 }),
      });
      await fc.assert(
        fc.asyncProperty(garbage, async ({ endpoint, path, method, headers }) => {
          const base = family.describe(original());
          trusted.seen = undefined;
          const answer = await send(trusted.port, { method, path: `${endpoint}${path}`, headers: { ...base.headers, ...headers } });
          assert.equal(seenBy(trusted)?.threw, undefined);
          assert.ok(answer.status < 500, `answered ${answer.status}`);
          if (seenBy(trusted)?.refused) assert.ok([400, 401].includes(answer.status));
        }),
        { numRuns: 150, seed: 20261204 },
      );
    });

    it('the facts read are the original\'s method, normalised path and client address', async () => {
      const cases: DescribedRequest[] = [
        original(),
        original({ method: 'POST', uri: '/x/../admin?y=/docs/', clientIp: '198.51.100.2' }),
        original({ method: 'DELETE', uri: '/a%2Fb/%2e%2e/c', clientIp: '2001:db8::1' }),
        original({ method: 'PATCH', uri: '/docs//x/./y', clientIp: '10.1.2.3', page: false }),
      ];
      for (const described of cases) {
        await ask(outcomes.allow, described);
        const routed = nginxPath(described.uri);
        assert.ok(routed.ok);
        assert.deepEqual(trusted.seen?.facts, { method: described.method, path: routed.path, sourceIp: described.clientIp, problems: [] }, described.uri);
      }
    });

    it('the body is never read: the answer comes while the body is still on its way', async () => {
      for (const outcome of [outcomes.allow, outcomes.unauthenticated, outcomes.deny]) {
        trusted.outcome = outcome;
        const answer = await send(trusted.port, family.describe(original({ method: 'POST' })), 1_000_000);
        assert.ok(answer.status >= 200);
        assert.equal(trusted.seen?.bodyTouched, false);
      }
    });
  });
}

import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { CheckRequest } from '../check/check-outcome.ts';
import { createLogger } from '../observability/logger.ts';
import type { OriginalRequest } from '../proxies/original-request.ts';
import { ASSERTION_HEADER, ASSERTION_TYPE } from './assertion-header.ts';
import { createAssertionKeys } from './assertion-keys.ts';
import { createAssertionStamper } from './assertion-stamper.ts';

const logs: Array<Record<string, unknown>> = [];
const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
const settings = { issuer: 'https://auth.example.com', keyFile: undefined, ttlMs: 60_000 };
const who = { identity: { user: 'alice', email: 'alice@example.com', groups: ['admins', 'staff'] }, roles: ['editor'] };
const identityHeaders = Object.freeze(['X-Auth-Request-User', 'alice']);
const facts = () => ({ problems: [] });

/** A forward-auth style request: the proxy described the original request in full. */
const described = (method: string, host: string): CheckRequest =>
  ({ routeQuery: '', facts, original: { method, host, scheme: 'https', uri: '/', clientIp: undefined, wantsPage: false } satisfies OriginalRequest }) as CheckRequest;

/** A real IncomingMessage with `headers`, as an auth_request proxy sends them. */
async function incoming(headers: Record<string, string>): Promise<IncomingMessage> {
  let captured: IncomingMessage | undefined;
  const server = createServer((req, res) => {
    captured = req;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => request({ port, host: '127.0.0.1', headers }, (res) => res.resume().on('end', resolve)).on('error', reject).end());
  await new Promise((resolve) => server.close(resolve));
  return captured as IncomingMessage;
}

async function setUp(start = Date.now()) {
  let now = start;
  const keys = await createAssertionKeys(settings, { logger, now: () => now });
  const stamp = createAssertionStamper(settings, keys, { logger, now: () => now });
  const jwks = createLocalJWKSet(JSON.parse(keys.jwks()) as never);
  return { stamp, jwks, advance: (ms: number) => void (now += ms), at: () => now };
}

const tokenOf = (headers: readonly string[]): string => {
  const at = headers.indexOf(ASSERTION_HEADER);
  assert.ok(at >= 0, 'an assertion header');
  return headers[at + 1] as string;
};
const noReq = {} as IncomingMessage;

describe('the assertion stamper', () => {
  it('signs the identity for the original host, with the method and host, verifiable with the published keys', async () => {
    const { stamp, jwks, at } = await setUp();
    const headers = await stamp(identityHeaders, who, undefined, noReq, described('POST', 'App.Example.com'));
    assert.deepEqual(headers.slice(0, 2), identityHeaders, 'the identity headers first, untouched');
    const { payload, protectedHeader } = await jwtVerify(tokenOf(headers), jwks, {
      issuer: 'https://auth.example.com',
      audience: 'app.example.com',
      typ: ASSERTION_TYPE,
      currentDate: new Date(at()),
    });
    assert.equal(protectedHeader.alg, 'ES256');
    assert.deepEqual(
      { sub: payload.sub, groups: payload.groups, roles: payload.roles, email: payload.email, method: payload.method, host: payload.host },
      { sub: 'alice', groups: ['admins', 'staff'], roles: ['editor'], email: 'alice@example.com', method: 'POST', host: 'app.example.com' },
    );
    assert.equal((payload.exp as number) - (payload.iat as number), 60, 'a minute');
  });

  it('reuses one assertion per identity, audience, method and host until half its lifetime is left', async () => {
    const { stamp, advance } = await setUp();
    const first = await stamp(identityHeaders, who, undefined, noReq, described('GET', 'app.example.com'));
    const again = stamp(identityHeaders, who, undefined, noReq, described('GET', 'app.example.com'));
    assert.ok(!(again instanceof Promise), 'a cached assertion costs no signature and no await');
    assert.equal(again, first, 'the same array, so answer caches keyed by it keep working');
    const otherMethod = await stamp(identityHeaders, who, undefined, noReq, described('DELETE', 'app.example.com'));
    assert.notEqual(tokenOf(otherMethod), tokenOf(first));
    advance(29_000);
    assert.equal(stamp(identityHeaders, who, undefined, noReq, described('GET', 'app.example.com')), first);
    advance(1_000);
    const renewed = await stamp(identityHeaders, who, undefined, noReq, described('GET', 'app.example.com'));
    assert.notEqual(tokenOf(renewed), tokenOf(first));
    assert.equal(decodeJwt(tokenOf(renewed)).iat, (decodeJwt(tokenOf(first)).iat as number) + 30);
  });

  it("takes the route's assertion_audience over the host", async () => {
    const { stamp } = await setUp();
    const headers = await stamp(identityHeaders, who, 'urn:app:billing', noReq, described('GET', 'app.example.com'));
    assert.equal(decodeJwt(tokenOf(headers)).aud, 'urn:app:billing');
  });

  it('reads the method and host of an auth_request subrequest from X-Original-Method and X-Original-URL', async () => {
    const { stamp } = await setUp();
    const req = await incoming({ 'x-original-method': 'PUT', 'x-original-url': 'https://Shop.Example.com:8443/cart?x=1' });
    const headers = await stamp(identityHeaders, who, undefined, req, { routeQuery: '', facts });
    const claims = decodeJwt(tokenOf(headers));
    assert.deepEqual([claims.aud, claims.method, claims.host], ['shop.example.com:8443', 'PUT', 'shop.example.com:8443']);

    const malformed = await incoming({ 'x-original-method': 'get it', 'x-original-url': 'https://a b/' });
    const unknown = await stamp(identityHeaders, who, 'urn:app', malformed, { routeQuery: '', facts });
    const left = decodeJwt(tokenOf(unknown));
    assert.equal(left.method, undefined, 'a malformed fact is left out, never guessed');
    assert.equal(left.host, undefined);
  });

  it('adds nothing when neither the route nor the proxy names an audience, and says so once', async () => {
    const { stamp } = await setUp();
    const req = await incoming({});
    assert.equal(await stamp(identityHeaders, who, undefined, req, { routeQuery: '', facts }), identityHeaders);
    assert.equal(await stamp(identityHeaders, who, undefined, req, { routeQuery: '', facts }), identityHeaders);
    assert.equal(logs.filter((l) => String(l.msg).startsWith('no assertion:')).length, 1);
  });
});

import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Config } from '../../config/config.ts';
import { nginxPath } from '../../policy/named/nginx-path.ts';
import { createRequestDescriber } from './sidecar-request.ts';

const proxies = (sources: string[] = []): Pick<Config, 'proxies'> => ({
  proxies: { signinUrl: new URL('https://app.example.com/oauth2/start'), trust: { sources, secret: undefined } },
});

function request(url: string, headers: Record<string, string> = {}, peer = '192.0.2.7'): IncomingMessage {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const distinct = Object.fromEntries(Object.entries(lower).map(([k, v]) => [k, [v]]));
  return { method: 'GET', url, headers: { host: 'app.example.com', ...lower }, headersDistinct: { host: ['app.example.com'], ...distinct }, socket: { remoteAddress: peer } } as unknown as IncomingMessage;
}

describe('a request to the sidecar, read as the original request', () => {
  const describeRequest = createRequestDescriber(proxies());

  it('routes on the path nginx would route on, for any path a client can send', () => {
    const unit = fc.constantFrom('/', '/', '.', '..', '%', '2e', '2f', '2F', 'a', 'Z', ';', '?', '#', '~', '%41', '%c3%a9', '%00', '\\');
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 14 }), (parts) => {
        const uri = `/${parts.join('')}`;
        const read = describeRequest(request(uri));
        const routed = nginxPath(uri);
        assert.equal(read.ok, routed.ok, uri);
        if (read.ok && routed.ok) assert.equal(read.value.path, routed.path, uri);
      }),
      { numRuns: 3000, seed: 20261204 },
    );
  });

  it("takes the scheme of the app's public address and the peer as the client, whatever X-Forwarded-* a client sends", () => {
    const read = describeRequest(request('/x', { 'x-forwarded-proto': 'http', 'x-forwarded-host': 'evil.example', 'x-forwarded-for': '203.0.113.9' }, '::ffff:10.1.2.3'));
    assert.ok(read.ok);
    assert.deepEqual([read.value.scheme, read.value.host, read.value.clientIp, read.value.peer, read.value.trusted], ['https', 'app.example.com', '10.1.2.3', '10.1.2.3', false]);
  });

  it("believes a trusted proxy's X-Forwarded-Proto, -Host and last -For", () => {
    const trusting = createRequestDescriber(proxies(['10.0.0.0/8']));
    const read = trusting(request('/x', { 'x-forwarded-proto': 'http', 'x-forwarded-host': 'app.internal:8443', 'x-forwarded-for': '198.51.100.1, 203.0.113.9' }, '10.0.0.5'));
    assert.ok(read.ok);
    assert.deepEqual([read.value.scheme, read.value.host, read.value.clientIp, read.value.trusted], ['http', 'app.internal:8443', '203.0.113.9', true]);
  });

  it('refuses a bad Host or method however many good ones came before', () => {
    for (let i = 0; i < 40; i++) assert.ok(describeRequest(request('/x', { host: `app${i}.example.com` })).ok);
    for (const host of ['bad host', 'app.example.com:70000', 'app0.example.com@evil.example']) {
      const read = describeRequest(request('/x', { host }));
      assert.ok(!read.ok && /host/.test(read.problem), host);
    }
    const lower = describeRequest({ ...request('/x'), method: 'get' } as IncomingMessage);
    assert.ok(!lower.ok && /the method is not an HTTP method/.test(lower.problem));
  });

  it('names what it cannot read', () => {
    for (const [url, headers, problem] of [
      ['/a/../../b', {}, /climbs above/],
      ['/a%zz', {}, /malformed percent-escape/],
      ['http://evil.example/x', {}, /the request path is not a path starting with "\/"/],
      ['/x', { host: 'bad host' }, /host is not a host name/],
    ] as const) {
      const read = describeRequest(request(url, headers));
      assert.ok(!read.ok, url);
      assert.match(read.problem, problem, url);
    }
  });
});

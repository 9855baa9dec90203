/**
 * The sign-in redirect built from a proxy's description of the original request can never send a
 * browser somewhere foreign: hostile X-Forwarded-* (forward-auth) and Host/path (ext-authz) values
 * give rd=/ or a 400, and for any description at all the Location is the sign-in URL with an rd
 * validateRedirect accepts, naming the original host only when that host is allowed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { adapterDeps, CONTRACT_ENV, send, serveAdapter, type AdapterServer, type FamilyRequest } from '../../../test/support/adapter-server.ts';
import { isAllowedHost, validateRedirect } from '../../auth/redirect.ts';
import { loadConfig } from '../../config/load-config.ts';
import { REASONS } from '../../policy/reasons.ts';
import { readScheme } from '../forwarded-values.ts';
import { createExtAuthzAdapter } from '../ext-authz/ext-authz-adapter.ts';
import { createForwardAuthAdapter } from './forward-auth-adapter.ts';

const config = loadConfig({ ...CONTRACT_ENV });
const ALLOWED = config.allowedRedirectDomains;
const START = 'https://auth.example.com/oauth2/start?rd=';
const PAGE = { accept: 'text/html,*/*;q=0.8', 'sec-fetch-mode': 'navigate' };

const forwardAuth = (method: string, proto: string, host: string, uri: string): FamilyRequest => ({
  method: 'GET',
  path: '/oauth2/forward-auth',
  headers: { host: 'gatehouse', ...PAGE, 'x-forwarded-method': method, 'x-forwarded-proto': proto, 'x-forwarded-host': host, 'x-forwarded-uri': uri },
});

/** Asserts `rd` is "/", or names `host` (the original host), which is allowed, and passes validateRedirect. */
function assertNotForeign(rd: string, proto: string, host: string): void {
  if (rd === '/') return;
  assert.equal(validateRedirect(rd, ALLOWED), rd);
  if (rd.startsWith('/')) {
    const scheme = readScheme(proto, 'proto');
    assert.equal(`${scheme.ok ? scheme.value : proto}://${host}`.toLowerCase(), 'https://auth.example.com', 'a relative rd only on the sign-in origin');
    return;
  }
  const target = new URL(rd);
  assert.equal(target.host, new URL(`http://${host}`).host, 'the rd names the original host');
  assert.ok(isAllowedHost(target.hostname, ALLOWED));
}

/** The rd of a sign-in Location, or undefined when the answer is no redirect. */
function rdOf(status: number, location: string | undefined): string | undefined {
  if (status !== 302 && status !== 303) {
    assert.equal(location, undefined);
    return undefined;
  }
  assert.ok(location !== undefined && location.startsWith(START), location);
  return decodeURIComponent(location.slice(START.length));
}

describe('sign-in redirects from forwarded descriptions', () => {
  let forward: AdapterServer;
  let ext: AdapterServer;
  before(async () => {
    const unauthenticated = { kind: 'unauthenticated', status: 401, reasons: [REASONS.sessionMissing] } as const;
    forward = await serveAdapter(createForwardAuthAdapter(adapterDeps(config)), unauthenticated);
    ext = await serveAdapter(createExtAuthzAdapter(adapterDeps(config)), unauthenticated);
  });
  after(async () => {
    await forward.close();
    await ext.close();
  });

  it('hostile X-Forwarded-Host, -Proto and -Uri: rd=/ or a 400, never a foreign rd', async () => {
    const vectors: Array<[proto: string, host: string, uri: string]> = [
      ['https', 'evil.example', '/'],
      ['https', 'app.example.com.evil.example', '/a'],
      ['https', 'example.com.evil.example', '/a'],
      ['https', 'evilexample.com', '/a'],
      ['https', 'app.example.com@evil.example', '/'],
      ['https', 'app.example.com:443@evil.example', '/'],
      ['https', 'app.example.com\\@evil.example', '/'],
      ['https', 'evil.example/app.example.com', '/'],
      ['https', 'evil.example#.example.com', '/'],
      ['javascript', 'app.example.com', '/alert(1)'],
      ['https:', 'app.example.com', '/'],
      ['//evil.example', 'app.example.com', '/'],
      ['https', 'app.example.com', '//evil.example/'],
      ['https', 'app.example.com', '/\\evil.example'],
      ['https', 'app.example.com', '/%2e%2e%2f%2e%2e%2fevil'],
      ['https', 'app.example.com', '/%2F%2Fevil.example'],
      ['https', 'app.example.com', '/a\t/b'],
      ['https', 'app.example.com', '/a%0a/b'],
      ['https', 'app.example.com', 'https://evil.example/'],
      ['https', 'app.example.com', '@evil.example'],
      ['https', 'auth.example.com', '//evil.example'],
      ['https', 'auth.example.com', '/oauth2/callback?code=x&state=y'],
    ];
    for (const [proto, host, uri] of vectors) {
      const answer = await send(forward.port, forwardAuth('GET', proto, host, uri));
      const rd = rdOf(answer.status, answer.headers.location);
      if (rd === undefined) assert.equal(answer.status, 400, `${proto} ${host} ${uri}`);
      else if (host.includes('evil') || uri.includes('evil')) assert.equal(rd, '/', `${proto} ${host} ${uri}`);
      else assertNotForeign(rd, proto, host);
    }
  });

  it('ext-authz: a hostile Host or original path gives rd=/ or a 400', async () => {
    const vectors: Array<[host: string, path: string]> = [
      ['evil.example', '/oauth2/ext-authz/a'],
      ['app.example.com.evil.example', '/oauth2/ext-authz/a'],
      ['app.example.com', '/oauth2/ext-authz//evil.example'],
      ['app.example.com', '/oauth2/ext-authz/%2e%2e/%2e%2e/oauth2/callback'],
      ['app.example.com', '/oauth2/ext-authz-route/allowed_groups=admins//evil.example/'],
      ['user@app.example.com', '/oauth2/ext-authz/a'],
    ];
    for (const [host, path] of vectors) {
      const answer = await send(ext.port, { method: 'GET', path, headers: { host, ...PAGE, 'x-forwarded-proto': 'https' } });
      const rd = rdOf(answer.status, answer.headers.location);
      assert.ok(rd === undefined ? answer.status === 400 : rd === '/', `${host} ${path}: ${answer.status} rd=${rd}`);
    }
  });

  it('for any forwarded method, proto, host and uri: the sign-in URL with a valid rd, or no redirect', async () => {
    // Mostly plausible values, so that most runs get as far as building a redirect; some anything at all.
    const chars = (min: number, max: number, length: number) => fc.string({ unit: fc.integer({ min, max }).map((c) => String.fromCharCode(c)), maxLength: length });
    const visible = (length: number) => chars(0x20, 0x7e, length);
    const likely = <T,>(common: fc.Arbitrary<T>, rare: fc.Arbitrary<T>) => fc.oneof({ arbitrary: common, weight: 6 }, { arbitrary: rare, weight: 1 });
    const piece = fc.constantFrom('/', '//', '\\', '..', '%2e', '%2f', '%2F', '@', ':', '?', '#', '.example.com', 'evil.example', 'oauth2', '%0a', '\t', ';');
    const host = likely(
      fc.oneof(
        fc.constantFrom('app.example.com', 'example.com', 'EXAMPLE.COM:8443', 'auth.example.com', 'evil.example', 'app.example.com.evil.example', '[::1]:443', '127.0.0.1'),
        fc.tuple(fc.constantFrom('app', 'evil', 'a-b'), fc.constantFrom('.', '-', '', ':8443.', '@', '/'), fc.constantFrom('example.com', 'evil.example', '')).map((p) => p.join('')),
      ),
      visible(30),
    );
    const uri = likely(fc.array(fc.oneof(piece, chars(0x21, 0x7e, 6)), { maxLength: 8 }).map((p) => `/${p.join('')}`), visible(40));
    const method = likely(fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE'), visible(8));
    const proto = likely(fc.constantFrom('http', 'https', 'HTTPS', 'ws', 'wss'), visible(8));
    await fc.assert(
      fc.asyncProperty(method, proto, host, uri, async (m, p, h, u) => {
        const answer = await send(forward.port, forwardAuth(m, p, h, u));
        assert.ok([302, 303, 400].includes(answer.status), `answered ${answer.status}`);
        const rd = rdOf(answer.status, answer.headers.location);
        if (rd !== undefined) assertNotForeign(rd, p, h);
      }),
      { numRuns: 1000, seed: 8 },
    );
  });
});

import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import type { Config } from '../../config/config.ts';
import type { IdentityConfig } from '../../identity/identity-config.ts';
import type { SidecarOriginal } from './sidecar-request.ts';
import { clientHeaders, createUpstreamHeaders } from './upstream-headers.ts';

type HeaderConfig = Pick<Config, 'proxies' | 'trustedHeaders' | 'upstreamHeaders' | 'cookie'>;

const CONFIG: HeaderConfig = {
  proxies: { signinUrl: undefined, trust: { sources: ['10.0.0.0/8'], secret: { header: 'X-Gatehouse-Proxy-Secret', values: ['0123456789abcdef'] } } },
  trustedHeaders: undefined,
  upstreamHeaders: { authorization: 'none', accessToken: false },
  cookie: { name: 'gatehouse', domain: undefined, secure: false, keys: [], keysFile: undefined, keysGenerated: false },
};

const IDENTITY = {
  headers: { format: 'separate', encoding: 'url', combinedHeader: 'X-Auth-Request-Claims', claims: [{ name: 'Tenant', source: { kind: 'claim', name: 'tenant', label: 'tenant' } }] },
} as unknown as Pick<IdentityConfig, 'headers'>;

/** A request as Node parses it: raw pairs in order, and the lower-cased view. */
function request(raw: string[]): IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    headers[name] = headers[name] === undefined ? (raw[i + 1] as string) : `${headers[name]}, ${raw[i + 1]}`;
  }
  return { rawHeaders: raw, headers } as unknown as IncomingMessage;
}

const ORIGINAL: SidecarOriginal = {
  method: 'GET',
  scheme: 'https',
  host: 'app.example.com',
  uri: '/x',
  clientIp: '192.0.2.7',
  wantsPage: false,
  rawPath: '/x',
  path: '/x',
  peer: '192.0.2.7',
  trusted: false,
};

/** The flat list as name → values, names lower-cased. */
function byName(flat: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (let i = 0; i < flat.length; i += 2) (out[(flat[i] as string).toLowerCase()] ??= []).push(flat[i + 1] as string);
  return out;
}

const IDENTITY_HEADERS = ['X-Auth-Request-User', 'alice', 'X-Auth-Request-Groups', 'admins'];

describe('headers toward the app', () => {
  const build = createUpstreamHeaders(CONFIG, () => IDENTITY);

  it('drops the hop-by-hop headers of RFC 9110 §7.6.1, and those Connection names', () => {
    const req = request([
      'Host', 'app.example.com', 'Connection', 'keep-alive, X-Secret-Hop', 'Keep-Alive', 'timeout=5', 'Proxy-Connection', 'keep-alive',
      'TE', 'trailers', 'Transfer-Encoding', 'chunked', 'Upgrade', 'h2c', 'Proxy-Authorization', 'Basic eA==', 'Proxy-Authenticate', 'x',
      'Trailer', 'X-Checksum', 'X-Secret-Hop', '1', 'Expect', '100-continue', 'Accept', 'text/html',
    ]);
    const sent = byName(build(req, ORIGINAL, [], 'id-1'));
    for (const hop of ['connection', 'keep-alive', 'proxy-connection', 'te', 'transfer-encoding', 'upgrade', 'proxy-authorization', 'proxy-authenticate', 'trailer', 'x-secret-hop', 'expect']) {
      assert.equal(sent[hop], undefined, hop);
    }
    assert.deepEqual(sent['host'], ['app.example.com']);
    assert.deepEqual(sent['accept'], ['text/html']);
  });

  it("removes every client copy of gatehouse's headers, claim headers and secrets, then adds the identity once", () => {
    const req = request([
      'x-auth-request-user', 'mallory', 'X-AUTH-REQUEST-USER', 'root', 'X-Auth-Request-Email', 'm@evil.example', 'X-Auth-Request-Roles', 'superuser',
      'X-Auth-Request-Anything-New', 'x', 'tenant', 'evil-corp', 'ES-TrustedAuth', 'admin; $admins', 'Kurrent-TrustedAuth', 'admin',
      'X-Gatehouse-Proxy-Secret', '0123456789abcdef', 'Authorization', 'Bearer client-token',
    ]);
    const sent = byName(build(req, ORIGINAL, IDENTITY_HEADERS, 'id-1'));
    assert.deepEqual(sent['x-auth-request-user'], ['alice']);
    assert.deepEqual(sent['x-auth-request-groups'], ['admins']);
    for (const spoofed of ['x-auth-request-email', 'x-auth-request-roles', 'x-auth-request-anything-new', 'tenant', 'es-trustedauth', 'kurrent-trustedauth', 'x-gatehouse-proxy-secret']) {
      assert.equal(sent[spoofed], undefined, spoofed);
    }
    assert.deepEqual(sent['authorization'], ['Bearer client-token'], "the client's own token passes when gatehouse sets none");
  });

  it("replaces the client's Authorization where gatehouse sets one: by a backend, or by GATEHOUSE_SET_AUTHORIZATION_HEADER", () => {
    const req = request(['Authorization', 'Basic bWFsbG9yeTp4']);
    const backend = byName(build(req, ORIGINAL, ['Authorization', 'Basic YWxpY2U6cA=='], 'id'));
    assert.deepEqual(backend['authorization'], ['Basic YWxpY2U6cA==']);
    const configured = createUpstreamHeaders({ ...CONFIG, upstreamHeaders: { authorization: 'id_token', accessToken: false } }, () => IDENTITY);
    assert.equal(byName(configured(req, ORIGINAL, IDENTITY_HEADERS, 'id'))['authorization'], undefined, 'even when this session has no token to send');
  });

  it("cuts gatehouse's session and sign-in cookies out of Cookie and keeps the app's", () => {
    const sent = byName(build(request(['Cookie', 'a=1; gatehouse=sealed; gatehouse_login_abc=x; gatehouse2=keep; b=2']), ORIGINAL, [], 'id'));
    assert.deepEqual(sent['cookie'], ['a=1; gatehouse2=keep; b=2']);
    assert.deepEqual(byName(build(request(['Cookie', ' gatehouse_login_x=1;;  theme=dark ; gatehouse=s ']), ORIGINAL, [], 'id'))['cookie'], ['theme=dark']);
    assert.equal(byName(build(request(['Cookie', 'gatehouse=sealed']), ORIGINAL, [], 'id'))['cookie'], undefined);
  });

  it("replaces a direct client's X-Forwarded-* and the other descriptions of the original request", () => {
    const req = request([
      'X-Forwarded-For', '203.0.113.9', 'X-Forwarded-Proto', 'http', 'X-Forwarded-Host', 'evil.example', 'Forwarded', 'for=1.2.3.4',
      'X-Real-IP', '1.2.3.4', 'X-Original-URL', 'http://x/admin', 'X-Request-ID', 'client-id',
    ]);
    const sent = byName(build(req, ORIGINAL, [], 'id-7'));
    assert.deepEqual(sent['x-forwarded-for'], ['192.0.2.7']);
    assert.deepEqual(sent['x-forwarded-proto'], ['https']);
    assert.deepEqual(sent['x-forwarded-host'], ['app.example.com']);
    assert.deepEqual(sent['x-request-id'], ['id-7']);
    for (const spoof of ['forwarded', 'x-real-ip', 'x-original-url']) assert.equal(sent[spoof], undefined, spoof);
  });

  it('drops a claim header named by a reloaded identity config, and classifies names past the remembered ones alike', () => {
    let identity = { headers: { ...IDENTITY.headers, claims: [] } } as unknown as Pick<IdentityConfig, 'headers'>;
    const reloading = createUpstreamHeaders(CONFIG, () => identity);
    const req = request(['Tenant', 'evil-corp', 'X-Auth-Request-User', 'mallory', 'Accept', '*/*']);
    assert.deepEqual(byName(reloading(req, ORIGINAL, [], 'id'))['tenant'], ['evil-corp'], 'not a claim header yet');
    identity = IDENTITY;
    assert.equal(byName(reloading(req, ORIGINAL, [], 'id'))['tenant'], undefined, 'a claim header once the config names it');
    // Spelled as not seen before, behind more names than are remembered.
    const many = request([...Array.from({ length: 300 }, (_, i) => [`X-Junk-${i}`, 'x']).flat(), 'X-AUTH-REQUEST-USER', 'mallory', 'TENANT', 'evil', 'ACCEPT', '*/*']);
    const sent = byName(reloading(many, ORIGINAL, IDENTITY_HEADERS, 'id'));
    assert.deepEqual(sent['x-auth-request-user'], ['alice']);
    assert.equal(sent['tenant'], undefined);
    assert.deepEqual(sent['accept'], ['*/*']);
    assert.deepEqual(sent['x-junk-299'], ['x']);
  });

  it("appends to a trusted proxy's X-Forwarded-For and keeps its other descriptions", () => {
    const req = request(['X-Forwarded-For', '198.51.100.1, 203.0.113.9', 'X-Forwarded-Proto', 'https', 'X-Forwarded-Host', 'app.example.com', 'X-Real-IP', '203.0.113.9']);
    const sent = byName(build(req, { ...ORIGINAL, trusted: true, peer: '10.0.0.5', clientIp: '203.0.113.9' }, [], 'id'));
    assert.deepEqual(sent['x-forwarded-for'], ['198.51.100.1, 203.0.113.9, 10.0.0.5']);
    assert.deepEqual(sent['x-forwarded-proto'], ['https']);
    assert.deepEqual(sent['x-real-ip'], ['203.0.113.9']);
  });
});

describe('headers toward the client', () => {
  it("drops the app's hop-by-hop headers and those its Connection names, and keeps repeated Set-Cookie", () => {
    const out = clientHeaders({
      'content-type': 'text/plain', connection: 'keep-alive, x-internal', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked',
      'x-internal': 'secret', trailer: 'x-sum', 'set-cookie': ['a=1', 'b=2'],
    });
    assert.deepEqual(out, ['content-type', 'text/plain', 'set-cookie', 'a=1', 'set-cookie', 'b=2']);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errors as joseErrors } from 'jose';
import { errors as undiciErrors } from 'undici';
import { badStatus, describeFailure } from './failure-cause.ts';
import { loggableUrl } from './loggable-url.ts';

/** Node's system and TLS errors: an Error with a code (and, for sockets, the peer). */
function nodeError(code: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${code} from Node`), { code, ...extra });
}

/** What undici's fetch rejects with: a TypeError whose cause is the real failure. */
const fetchFailed = (cause: unknown): TypeError => new TypeError('fetch failed', { cause });

const TABLE: ReadonlyArray<readonly [string, unknown, string, string | undefined]> = [
  ['connection refused', fetchFailed(nodeError('ECONNREFUSED', { address: '127.0.0.1', port: 9 })), 'connection refused (127.0.0.1:9)', 'ECONNREFUSED'],
  ['refused on every address of a name', fetchFailed(new AggregateError([nodeError('ECONNREFUSED', { address: '::1', port: 443 })])), 'connection refused (::1:443)', 'ECONNREFUSED'],
  ['connection reset', fetchFailed(nodeError('ECONNRESET')), 'connection reset', 'ECONNRESET'],
  ['peer closed the socket', fetchFailed(new undiciErrors.SocketError('other side closed')), 'connection closed by the other side', 'UND_ERR_SOCKET'],
  ['DNS: no such host', fetchFailed(nodeError('ENOTFOUND', { hostname: 'idp.example.com' })), 'DNS failure: no such host (idp.example.com)', 'ENOTFOUND'],
  ['DNS: resolver down', fetchFailed(nodeError('EAI_AGAIN', { hostname: 'idp.example.com' })), 'DNS failure: resolver unavailable (temporary) (idp.example.com)', 'EAI_AGAIN'],
  ['host unreachable', fetchFailed(nodeError('EHOSTUNREACH', { address: '10.0.0.9', port: 443 })), 'host unreachable (10.0.0.9:443)', 'EHOSTUNREACH'],
  ['connect timeout', fetchFailed(new undiciErrors.ConnectTimeoutError()), 'timeout while connecting', 'UND_ERR_CONNECT_TIMEOUT'],
  ['headers timeout', fetchFailed(new undiciErrors.HeadersTimeoutError()), 'timeout waiting for the response headers', 'UND_ERR_HEADERS_TIMEOUT'],
  ['body timeout', fetchFailed(new undiciErrors.BodyTimeoutError()), 'timeout reading the response body', 'UND_ERR_BODY_TIMEOUT'],
  ['the caller’s AbortSignal.timeout()', new DOMException('The operation was aborted due to timeout', 'TimeoutError'), 'timeout', undefined],
  ['jose’s JWKS timeout', new joseErrors.JWKSTimeout(), 'timeout', 'ERR_JWKS_TIMEOUT'],
  ['leaf signed by an unknown CA', fetchFailed(nodeError('UNABLE_TO_VERIFY_LEAF_SIGNATURE')), 'TLS error: unknown CA', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  ['chain ending in an unknown root', fetchFailed(nodeError('SELF_SIGNED_CERT_IN_CHAIN')), 'TLS error: unknown CA', 'SELF_SIGNED_CERT_IN_CHAIN'],
  ['issuer not found locally', fetchFailed(nodeError('UNABLE_TO_GET_ISSUER_CERT_LOCALLY')), 'TLS error: unknown CA', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'],
  ['self-signed server certificate', fetchFailed(nodeError('DEPTH_ZERO_SELF_SIGNED_CERT')), 'TLS error: unknown CA (self-signed certificate)', 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  ['name mismatch', fetchFailed(nodeError('ERR_TLS_CERT_ALTNAME_INVALID')), 'TLS error: name mismatch', 'ERR_TLS_CERT_ALTNAME_INVALID'],
  ['expired certificate', fetchFailed(nodeError('CERT_HAS_EXPIRED')), 'TLS error: certificate expired', 'CERT_HAS_EXPIRED'],
  ['certificate not yet valid', fetchFailed(nodeError('CERT_NOT_YET_VALID')), 'TLS error: certificate not yet valid', 'CERT_NOT_YET_VALID'],
  ['plain HTTP where TLS was expected', fetchFailed(nodeError('ERR_SSL_WRONG_VERSION_NUMBER')), 'TLS error: handshake failed', 'ERR_SSL_WRONG_VERSION_NUMBER'],
  [
    'proxy refused the CONNECT tunnel',
    fetchFailed(new undiciErrors.RequestAbortedError('Proxy response (403) !== 200 when HTTP Tunneling')),
    'proxy refused (403)',
    'UND_ERR_ABORTED',
  ],
  [
    'proxy wants credentials',
    fetchFailed(new undiciErrors.InvalidArgumentError('Proxy Authentication Required (407)')),
    'proxy refused (407: proxy authentication required)',
    'UND_ERR_INVALID_ARG',
  ],
  ['proxy dropped the tunnel', fetchFailed(new undiciErrors.ProxyConnectionError(new undiciErrors.SocketError('closed'))), 'proxy connection failed', 'UND_ERR_PRX_CONN'],
  [
    'proxy’s own certificate names another host',
    fetchFailed(new undiciErrors.SecureProxyConnectionError(nodeError('ERR_TLS_CERT_ALTNAME_INVALID'))),
    'proxy TLS error: name mismatch',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ],
  ['openid-client: discovery answered 404', new Error('unexpected HTTP status code', { cause: new Response('', { status: 404 }) }), 'bad status 404', undefined],
  ['openid-client: error body with a status', Object.assign(new Error('server_error'), { status: 503 }), 'bad status 503', undefined],
  ['jose: JWKS not 200', new joseErrors.JOSEError('Expected 200 OK from the JSON Web Key Set HTTP response'), 'bad status (not 200)', undefined],
  ['aborted by the caller', new DOMException('This operation was aborted', 'AbortError'), 'aborted', undefined],
  ['anything else keeps its name and message', new RangeError('odd'), 'RangeError: odd', undefined],
];

for (const [what, error, cause, code] of TABLE) {
  test(`cause of a failed call: ${what}`, () => {
    assert.deepEqual(describeFailure(error), { cause, code });
  });
}

test('a wrapped failure is found under openid-client’s and jose’s own errors', () => {
  const wrapped = new Error('something went wrong', { cause: fetchFailed(nodeError('SELF_SIGNED_CERT_IN_CHAIN')) });
  assert.equal(describeFailure(wrapped).cause, 'TLS error: unknown CA');
});

test('an unknown failure’s message is bounded, and a cause loop ends', () => {
  assert.ok(describeFailure(new Error('x'.repeat(1000))).cause.length <= 200);
  const loop: { message: string; cause?: unknown } = { message: 'loop' };
  loop.cause = loop;
  assert.equal(describeFailure(loop).cause, 'Error: loop');
  assert.equal(describeFailure('a string').cause, 'Error: a string');
});

test('bad status names the status', () => {
  assert.deepEqual(badStatus(502), { cause: 'bad status 502', code: undefined });
});

test('a logged URL carries neither credentials, query values nor a fragment', () => {
  assert.equal(loggableUrl('https://user:secret@idp.example.com/token?code=abc&state=s&code=d#frag'), 'https://idp.example.com/token?code&state');
  assert.equal(loggableUrl(new URL('https://idp.example.com/.well-known/openid-configuration')), 'https://idp.example.com/.well-known/openid-configuration');
  assert.equal(loggableUrl('not a url'), '(not a URL)');
});

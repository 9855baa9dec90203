import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { lastForwardedFor, MAX_URI, readHost, readMethod, readScheme, readUri, rememberingReader, single } from './forwarded-values.ts';

test('single: one value, none, or a problem for a repeated header, as Node parses them', async () => {
  const server = createServer((req, res) => res.end(JSON.stringify(single(req, 'x-forwarded-host'))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const read = (headers: string[]) =>
    new Promise<unknown>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, headers: ['Host', 'x', ...headers], agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => void (body += c.toString()));
        res.on('end', () => resolve(JSON.parse(body)));
      });
      req.on('error', reject);
      req.end();
    });
  try {
    assert.deepEqual(await read(['X-Forwarded-Host', 'a.example']), { ok: true, value: 'a.example' });
    assert.deepEqual(await read([]), { ok: true });
    assert.deepEqual(await read(['x-forwarded-host', 'a', 'X-Forwarded-Host', 'b']), { ok: false, problem: 'x-forwarded-host is repeated' });
    assert.deepEqual(await read(['X-Forwarded-Host', '']), { ok: true, value: '' });
    assert.deepEqual(await read(['X-Forwarded-Host', '', 'X-Forwarded-Host', '']), { ok: false, problem: 'x-forwarded-host is repeated' });
    // A comma inside one value is not a repetition.
    assert.deepEqual(await read(['X-Forwarded-Host', 'a,b']), { ok: true, value: 'a,b' });
    assert.deepEqual(await read(['X-Forwarded-Host', 'a, b', 'x-forwarded-host', 'c']), { ok: false, problem: 'x-forwarded-host is repeated' });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('readMethod: upper-case tokens only, named in the problem', () => {
  for (const m of ['GET', 'HEAD', 'PROPFIND', 'M-SEARCH', 'VERSION_CONTROL', 'A'.repeat(32)]) assert.deepEqual(readMethod(m, 'm'), { ok: true, value: m });
  for (const m of ['get', 'Get', '', ' GET', 'GET ', 'G3T', 'GET/', '-GET', 'A'.repeat(33), 'GÉT']) assert.equal(readMethod(m, 'm').ok, false, m);
  assert.deepEqual(readMethod(undefined, 'x-forwarded-method'), { ok: false, problem: 'x-forwarded-method is missing' });
});

test('readScheme: http and https in any case, WebSocket schemes as their HTTP ones', () => {
  const cases: Array<[string, string]> = [['https', 'https'], ['HTTPS', 'https'], ['wss', 'https'], ['http', 'http'], ['Http', 'http'], ['ws', 'http']];
  for (const [given, value] of cases) assert.deepEqual(readScheme(given, 'p'), { ok: true, value });
  for (const s of ['', 'ftp', 'https ', 'https,http', 'javascript', 'http:']) assert.equal(readScheme(s, 'p').ok, false, s);
  assert.equal(readScheme(undefined, 'p').ok, false);
});

test('readHost: a DNS name, IPv4 or bracketed IPv6 with an optional port up to 65535', () => {
  for (const h of ['app.example.com', 'APP.Example.com:8443', 'localhost', '127.0.0.1:80', '[::1]', '[2001:db8::1]:443', 'example.com.', 'a-b.c:65535', `${'a'.repeat(63)}.com`]) {
    assert.deepEqual(readHost(h, 'host'), { ok: true, value: h }, h);
  }
  for (const h of ['', ' ', 'a b', 'a@b', 'user@app.example.com', 'a/b', 'a\\b', 'a:65536', 'a:99999', 'a:', ':80', '-a.com', 'a-.com', 'a..b', '[::1', '::1', 'café.example', 'a.com:80:80', `${'a'.repeat(64)}.com`, 'a.'.repeat(131)]) {
    assert.equal(readHost(h, 'host').ok, false, h);
  }
});

test('readUri: "/" and visible ASCII, at most MAX_URI characters', () => {
  for (const u of ['/', '/a?b=1', '/%2e%2e/x', '//evil.example', '/a#f', `/${'a'.repeat(MAX_URI - 1)}`]) assert.deepEqual(readUri(u, 'u'), { ok: true, value: u });
  for (const u of ['', 'a', 'http://x/', '?a', '/a b', '/a\tb', '/a\nb', '/caf\u00e9', '/\u0000', `/${'a'.repeat(MAX_URI)}`]) assert.equal(readUri(u, 'u').ok, false, JSON.stringify(u.slice(0, 20)));
});

test('lastForwardedFor: the entry the trusted proxy appended, trimmed', () => {
  assert.equal(lastForwardedFor('198.51.100.1, 203.0.113.7'), '203.0.113.7');
  assert.equal(lastForwardedFor('203.0.113.7'), '203.0.113.7');
  assert.equal(lastForwardedFor(' 2001:db8::1 '), '2001:db8::1');
  assert.equal(lastForwardedFor('198.51.100.1,'), undefined);
  assert.equal(lastForwardedFor(''), undefined);
  assert.equal(lastForwardedFor(undefined), undefined);
  // Malformed is passed on: the request facts name it.
  assert.equal(lastForwardedFor('a, not-an-ip'), 'not-an-ip');
});

test('rememberingReader: the same answers as the reader, problems never remembered', () => {
  let calls = 0;
  const counted = (value: string | undefined, name: string) => {
    calls += 1;
    return readHost(value, name);
  };
  const host = rememberingReader(counted, 2);
  assert.deepEqual(host('a.example', 'x-forwarded-host'), { ok: true, value: 'a.example' });
  assert.deepEqual(host('a.example', 'x-forwarded-host'), { ok: true, value: 'a.example' });
  assert.equal(calls, 1, 'a valid value is matched once');
  for (let i = 0; i < 2; i++) assert.deepEqual(host('a b', 'host'), { ok: false, problem: 'host is not a host name' });
  assert.deepEqual(host('a b', 'x-forwarded-host'), { ok: false, problem: 'x-forwarded-host is not a host name' }, 'each problem names its own header');
  assert.equal(calls, 4);
  host('b.example', 'h');
  host('c.example', 'h');
  host('c.example', 'h');
  assert.equal(calls, 7, 'beyond its size a value is matched every time');
  assert.deepEqual(host(undefined, 'h'), { ok: false, problem: 'h is missing' });
});

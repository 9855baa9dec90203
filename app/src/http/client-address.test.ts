import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { createClientAddress, UNKNOWN_CLIENT } from './client-address.ts';

const request = (peer: string | undefined, headers: Record<string, string | string[]> = {}): IncomingMessage =>
  ({ socket: { remoteAddress: peer }, headers }) as unknown as IncomingMessage;

const SECRET = { header: 'X-Gatehouse-Proxy-Secret', values: ['a-secret-of-enough-length'] };

test('from a trusted proxy X-Real-IP counts; from any other peer the peer does, whatever it claims', () => {
  const of = createClientAddress({ sources: ['10.0.0.0/8'], secret: undefined });
  assert.equal(of(request('10.1.2.3', { 'x-real-ip': '203.0.113.7' })), '203.0.113.7');
  assert.equal(of(request('::ffff:10.1.2.3', { 'x-real-ip': '203.0.113.7' })), '203.0.113.7', 'an IPv4-mapped peer is the same peer');
  assert.equal(of(request('192.0.2.50', { 'x-real-ip': '203.0.113.7' })), '192.0.2.50', 'a spoofed X-Real-IP gives no fresh count');
  assert.equal(of(request('192.0.2.50', { 'x-forwarded-for': '203.0.113.7' })), '192.0.2.50');
  assert.equal(of(request('10.1.2.3', { 'x-forwarded-for': '203.0.113.7' })), '10.1.2.3', 'X-Forwarded-For never counts');
});

test('without a trusted proxy configured, every request counts as its peer', () => {
  const of = createClientAddress({ sources: [], secret: undefined });
  assert.equal(of(request('127.0.0.1', { 'x-real-ip': '203.0.113.7' })), '127.0.0.1');
});

test('a proxy trusted by its secret: X-Real-IP counts only with the right secret', () => {
  const of = createClientAddress({ sources: [], secret: SECRET });
  assert.equal(of(request('192.0.2.1', { 'x-real-ip': '203.0.113.7', 'x-gatehouse-proxy-secret': SECRET.values[0] ?? '' })), '203.0.113.7');
  assert.equal(of(request('192.0.2.1', { 'x-real-ip': '203.0.113.7', 'x-gatehouse-proxy-secret': 'wrong-secret-of-enough-length' })), '192.0.2.1');
});

test('an unusable X-Real-IP from a trusted proxy falls back to the peer; IPv6 counts by its /64', () => {
  const of = createClientAddress({ sources: ['127.0.0.0/8', '::1/128'], secret: undefined });
  for (const bad of ['', 'unknown', '203.0.113.7, 198.51.100.1', '203.0.113.300']) assert.equal(of(request('127.0.0.1', { 'x-real-ip': bad })), '127.0.0.1', bad);
  assert.equal(of(request('127.0.0.1', { 'x-real-ip': ['203.0.113.7', '198.51.100.1'] })), '127.0.0.1', 'a repeated header');
  assert.equal(of(request('::1', { 'x-real-ip': '2001:db8:1:2::99' })), of(request('::1', { 'x-real-ip': '2001:db8:1:2:ffff::1' })));
  assert.equal(of(request(undefined)), UNKNOWN_CLIENT);
});

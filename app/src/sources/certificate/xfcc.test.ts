import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseElement, parseXfcc } from './xfcc.ts';

// The examples of Envoy's HTTP connection manager documentation (headers.rst, x-forwarded-client-cert).
const ONE = 'By=http://frontend.lyft.com;Hash=468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688;Subject="/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client";URI=http://testclient.lyft.com';
const TWO = 'By=http://frontend.lyft.com;Hash=468ed33be74eee6556d90c0149c1309e9ba61d6425303443c0748a02dd8de688;URI=http://testclient.lyft.com,By=http://backend.lyft.com;Hash=9ba61d6425303443c0748a02dd8de688468ed33be74eee6556d90c0149c1309e;URI=http://frontend.lyft.com';
const DNS = `${ONE};DNS=lyft.com;DNS=www.lyft.com`;

test("Envoy's documented examples parse, keys case-insensitive, DNS repeated", () => {
  const [one] = parseXfcc(ONE) ?? [];
  assert.equal(one?.get('subject')?.[0], '/C=US/ST=CA/L=San Francisco/OU=Lyft/CN=Test Client');
  assert.deepEqual(one?.get('uri'), ['http://testclient.lyft.com']);
  assert.equal(parseXfcc(TWO)?.length, 2);
  assert.deepEqual(parseXfcc(DNS)?.[0]?.get('dns'), ['lyft.com', 'www.lyft.com']);
  assert.deepEqual(parseXfcc('hash=ab;CERT="x"')?.[0]?.get('cert'), ['x']);
});

test('quoted values keep their commas, semicolons, equals signs and escaped quotes; an unquoted value may hold =', () => {
  const [element] = parseXfcc('Subject="CN=Doe\\, \\"JD\\" John;O=x,y";URI=spiffe://td/ns/a?b=c') ?? [];
  assert.equal(element?.get('subject')?.[0], 'CN=Doe, "JD" John;O=x,y');
  assert.equal(element?.get('uri')?.[0], 'spiffe://td/ns/a?b=c');
});

test('not XFCC: an unclosed quote, a pair without =, an empty element, too many elements', () => {
  for (const bad of ['Cert="abc', 'Cert', '=x', ',', 'Hash=a,,Hash=b', Array.from({ length: 17 }, () => 'Hash=a').join(',')]) {
    assert.equal(parseXfcc(bad), undefined, bad);
  }
});

test('the element chosen: only refuses several, first and last pick their end', () => {
  const elements = parseXfcc(TWO) ?? [];
  assert.equal(chooseElement(elements, 'only'), undefined);
  assert.equal(chooseElement(elements, 'first')?.get('by')?.[0], 'http://frontend.lyft.com');
  assert.equal(chooseElement(elements, 'last')?.get('by')?.[0], 'http://backend.lyft.com');
  assert.equal(chooseElement(parseXfcc(ONE) ?? [], 'only')?.get('by')?.[0], 'http://frontend.lyft.com');
});

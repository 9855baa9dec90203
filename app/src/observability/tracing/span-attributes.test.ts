import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { elasticsearchTemplate, hostAttributes, knownMethod, originAttributes, pathOf } from './span-attributes.ts';

describe('span attributes', () => {
  it('keep a path and drop its query, whatever the query holds', () => {
    assert.equal(pathOf('/oauth2/callback?code=abc&state=xyz'), '/oauth2/callback');
    assert.equal(pathOf('/oauth2/auth'), '/oauth2/auth');
    assert.equal(pathOf('/a?'), '/a');
  });

  it('read server.address and server.port from a Host header, IPv6 included', () => {
    assert.deepEqual(hostAttributes('app.example.com'), { 'server.address': 'app.example.com' });
    assert.deepEqual(hostAttributes('app.example.com:8443'), { 'server.address': 'app.example.com', 'server.port': 8443 });
    assert.deepEqual(hostAttributes('[::1]:4180'), { 'server.address': '::1', 'server.port': 4180 });
    assert.deepEqual(hostAttributes(undefined), {});
    assert.deepEqual(hostAttributes('a:b:c'), {});
  });

  it("give an origin's port, the scheme's when it names none", () => {
    assert.deepEqual(originAttributes(new URL('https://idp.example.com')), { 'server.address': 'idp.example.com', 'server.port': 443 });
    assert.deepEqual(originAttributes(new URL('http://[::1]:9200')), { 'server.address': '::1', 'server.port': 9200 });
  });

  it('template the Elasticsearch paths gatehouse calls so that no user name remains', () => {
    assert.equal(elasticsearchTemplate('/_security/user/alice%40example.com'), '/_security/user/{name}');
    assert.equal(elasticsearchTemplate('/_security/user/alice/_disable?refresh=true'), '/_security/user/{name}/_disable');
    assert.equal(elasticsearchTemplate('/_security/user'), '/_security/user');
    assert.equal(elasticsearchTemplate('/_security/oidc/prepare'), '/_security/oidc/prepare');
    assert.equal(elasticsearchTemplate('/_security/oauth2/token'), '/_security/oauth2/token');
    assert.equal(elasticsearchTemplate('/_security/_authenticate'), '/_security/_authenticate');
    assert.equal(elasticsearchTemplate('/my-index/_doc/some-id'), '/{name}/_doc/{name}');
  });

  it("name a method HTTP does not define _OTHER", () => {
    assert.equal(knownMethod('GET'), 'GET');
    assert.equal(knownMethod('PROPFIND'), '_OTHER');
    assert.equal(knownMethod('get'), '_OTHER');
    assert.equal(knownMethod(undefined), '_OTHER');
  });
});

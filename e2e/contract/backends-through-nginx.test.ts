/**
 * Backend credentials end to end: the Ingress lists them in auth-response-headers and nginx puts
 * them on the proxied request — `Authorization: Basic` of a provisioned Elasticsearch user (the
 * Elasticsearch security-API stand-in) and EventStoreDB's `ES-TrustedAuth` — and a client's own
 * `Remote-User` forwarded by nginx is never believed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_AUTH_RESPONSE_HEADERS } from '../nginx/ingresses.ts';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '../stand-ins/elasticsearch/stand-in.ts';
import { httpRequest } from '../support/http-client.ts';
import { signInOverHttp } from '../support/http-login.ts';
import { startStack, type Stack } from '../stack/start-stack.ts';

const seen = (body: string): Record<string, string> => (JSON.parse(body) as { headers: Record<string, string> }).headers;

describe('backends through nginx', () => {
  let es: ElasticsearchStandIn;
  let stack: Stack;
  let trusted: Stack;
  before(async () => {
    es = await startElasticsearchStandIn();
    stack = await startStack({
      gatehouseEnv: {
        GATEHOUSE_ELASTICSEARCH_HOSTS: es.url,
        GATEHOUSE_ELASTICSEARCH_USERNAME: es.admin.username,
        GATEHOUSE_ELASTICSEARCH_PASSWORD: es.admin.password,
      },
      nginx: {
        ingresses: [
          { name: 'app', path: '/', authQuery: '', signin: 'relative-rd' },
          { name: 'kibana', path: '/kibana', authQuery: '?backend=elasticsearch', signin: 'relative-rd' },
          { name: 'eventstore', path: '/eventstore', authQuery: '?backend=eventstore', signin: 'none' },
        ],
        responseHeaders: [...DEFAULT_AUTH_RESPONSE_HEADERS, 'ES-TrustedAuth'],
      },
    });
    trusted = await startStack({
      gatehouseEnv: { GATEHOUSE_AUTH_PROVIDER: 'authelia', GATEHOUSE_TRUSTED_HEADER_SECRET: 'a-secret-nginx-never-sends-0123' },
    });
  });
  after(async () => {
    await trusted?.stop();
    await stack?.stop();
    await es.close();
  });

  it('Kibana and Elasticsearch receive the provisioned user as Authorization: Basic', async () => {
    const { cookieHeader } = await signInOverHttp(stack.baseUrl, { login: 'alice', password: 'alice', rd: '/' });
    const res = await httpRequest(`${stack.baseUrl}/kibana/app/home`, { headers: { accept: 'application/json', cookie: cookieHeader } });
    assert.equal(res.status, 200);
    const authorization = seen(res.body).authorization ?? '';
    assert.match(authorization, /^Basic /);
    assert.ok(es.authenticate(authorization), 'Elasticsearch accepts the password');
    assert.equal(Buffer.from(authorization.slice(6), 'base64').toString().split(':')[0], 'alice');
    assert.equal(es.user('alice')?.metadata?.managed_by, 'gatehouse');
  });

  it('EventStoreDB receives the trusted header, and a client cannot send its own', async () => {
    const { cookieHeader } = await signInOverHttp(stack.baseUrl, { login: 'bob', password: 'bob', rd: '/' });
    const res = await httpRequest(`${stack.baseUrl}/eventstore/streams/x`, {
      headers: { accept: 'application/json', cookie: cookieHeader, 'es-trustedauth': 'admin; $admins' },
    });
    assert.equal(res.status, 200);
    assert.equal(seen(res.body)['es-trustedauth'], 'bob');
    const anonymous = await httpRequest(`${stack.baseUrl}/eventstore/streams/x`, { headers: { 'es-trustedauth': 'admin; $admins' } });
    assert.equal(anonymous.status, 401);
  });

  it('a client sending Remote-User: admin through ingress-nginx gets 401', async () => {
    const res = await httpRequest(`${trusted.baseUrl}/some/page`, {
      headers: { accept: 'application/json', 'remote-user': 'admin', 'remote-groups': 'admins' },
    });
    assert.equal(res.status, 302, 'sent to sign-in: the auth answer was 401');
    assert.match(res.headers.location ?? '', /\/oauth2\/start\?rd=/);
    const api = await httpRequest(`${trusted.baseUrl}/api/x`, { headers: { 'remote-user': 'admin' } });
    assert.equal(api.status, 401);
  });
});

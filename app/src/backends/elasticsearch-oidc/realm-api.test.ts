/**
 * What the facilitator calls make of answers Elasticsearch would never give — a state that cannot
 * name a cookie, a token that cannot travel in a header, a redirect that is not http(s) — and of
 * the error bodies it does give: each is a typed error, never a crash and never a usable value.
 * The server here only replays canned answers with the product header the client insists on.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { RefreshRejectedError } from '../../auth/identity-provider.ts';
import { BackendUnavailableError } from '../errors.ts';
import { createElasticsearchClient } from '../elasticsearch/client.ts';
import { NO_METRICS } from '../elasticsearch/metrics.ts';
import { createDispatcher, DIRECT } from '../../http/outbound/create-dispatcher.ts';
import { transportAgent } from '../../http/outbound/transport-agent.ts';
import { createRealmApi, type RealmApi } from './realm-api.ts';
import { RealmRefusedError } from './realm-errors.ts';

let answer: { status: number; body: unknown } = { status: 200, body: {} };
let server: Server;
let api: RealmApi;
let close: () => Promise<void>;
before(async () => {
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(answer.status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dispatcher = createDispatcher({ connectTimeoutMs: 1000, timeoutMs: 2000, proxy: DIRECT });
  const client = createElasticsearchClient({
    hosts: [`http://127.0.0.1:${(server.address() as AddressInfo).port}`],
    username: 'facilitator',
    password: 'pw',
    agent: transportAgent(dispatcher, { warn: () => undefined }),
    requestTimeoutMs: 2000,
  });
  api = createRealmApi(client, NO_METRICS);
  close = async () => {
    await client.close();
    await dispatcher.close();
  };
});
after(async () => {
  await close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const GOOD_STATE = '4dbrihtIAt3wBTwo6DxK-vdk-sSyDBV8Yf0AjdkdT5I';
const unavailable = (err: unknown): boolean => err instanceof BackendUnavailableError && err.reason === 'unexpected_response';

test('prepare: a usable answer, then every answer that cannot be used', async () => {
  answer = { status: 200, body: { redirect: 'https://op.example.org/auth?x=1', state: GOOD_STATE, nonce: 'n-0S6_WzA2Mj', realm: 'oidc1' } };
  const prepared = await api.prepare({ realm: 'oidc1' });
  assert.deepEqual([prepared.redirect.href, prepared.state, prepared.realm], ['https://op.example.org/auth?x=1', GOOD_STATE, 'oidc1']);
  for (const body of [
    { redirect: 'javascript:alert(1)', state: GOOD_STATE, nonce: 'n' },
    { redirect: 'https://op.example.org/', state: 'short', nonce: 'n' },
    { redirect: 'https://op.example.org/', state: `${GOOD_STATE};x=1`, nonce: 'n' },
    { redirect: 'https://op.example.org/', state: GOOD_STATE, nonce: 'with space' },
    { redirect: 'https://op.example.org/', state: GOOD_STATE },
    ['not', 'an', 'object'],
  ]) {
    answer = { status: 200, body };
    await assert.rejects(api.prepare({ realm: 'oidc1' }), unavailable, JSON.stringify(body));
  }
  answer = { status: 200, body: { redirect: 'https://op.example.org/', state: GOOD_STATE, nonce: 'n' } };
  await assert.rejects(api.prepare({ issuer: 'https://op.example.org' }), unavailable, 'by issuer, the realm it chose must be named');
});

test('authenticate: tokens that cannot travel in a header, or no positive lifetime, are refused', async () => {
  const good = { username: 'alice', access_token: 'dGhpcyBpcyBub3Q=', refresh_token: 'vLBPvmAB6KvwvJZr27cS', expires_in: 1200 };
  answer = { status: 200, body: good };
  assert.deepEqual((await api.authenticate('https://app/cb?code=c&state=s', 's', 'n', 'oidc1')).authentication, { username: 'alice' });
  for (const bad of [{ access_token: 'has\r\nnewline' }, { refresh_token: '' }, { expires_in: 0 }, { expires_in: '1200' }, { type: 'MAC' }, { username: undefined }]) {
    answer = { status: 200, body: { ...good, ...bad } };
    await assert.rejects(api.authenticate('https://app/cb?code=c&state=s', 's', 'n', 'oidc1'), unavailable, JSON.stringify(bad));
  }
});

test("Elasticsearch's refusals are typed: 401 and 403 refused, invalid_grant ends a refresh, 5xx and 404 unavailable", async () => {
  answer = { status: 401, body: { error: { type: 'security_exception', reason: 'unable to authenticate user [<OIDC Token>] for action [x]' }, status: 401 } };
  await assert.rejects(api.authenticate('https://app/cb', 's', 'n', 'oidc1'), (err: unknown) => {
    assert.ok(err instanceof RealmRefusedError);
    assert.deepEqual([err.status, err.facilitatorRefused], [401, false]);
    assert.ok(!err.message.includes('https://app/cb'), 'the callback URL is not in the message');
    return true;
  });
  answer = { status: 401, body: { error: { type: 'security_exception', reason: 'unable to authenticate user [facilitator] for REST request [/_security/oidc/prepare]' } } };
  await assert.rejects(api.prepare({ realm: 'oidc1' }), (err: unknown) => err instanceof RealmRefusedError && err.facilitatorRefused);
  answer = { status: 403, body: { error: { type: 'security_exception', reason: 'action [cluster:admin/xpack/security/oidc/prepare] is unauthorized' } } };
  await assert.rejects(api.prepare({ realm: 'oidc1' }), (err: unknown) => err instanceof RealmRefusedError && err.facilitatorRefused);
  answer = { status: 400, body: { error: 'invalid_grant', error_description: 'token has already been refreshed' } };
  await assert.rejects(api.refresh('vLBPvmAB6KvwvJZr27cS'), (err: unknown) => err instanceof RefreshRejectedError && /already been refreshed/.test(err.message));
  answer = { status: 500, body: { error: { type: 'security_exception', reason: 'Cannot find OpenID Connect realm with name [x]' } } };
  await assert.rejects(api.prepare({ realm: 'x' }), (err: unknown) => err instanceof BackendUnavailableError && err.reason === 'server_error' && /Cannot find/.test(err.message));
  answer = { status: 404, body: { error: 'no handler found' } };
  await assert.rejects(api.logout('t', undefined), unavailable);
  answer = { status: 200, body: { redirect: null } };
  assert.equal(await api.logout('t', 'r'), undefined, 'no single logout: nothing to follow');
});

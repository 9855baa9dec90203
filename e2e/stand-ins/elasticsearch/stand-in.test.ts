/**
 * Keeps the Elasticsearch stand-in faithful: these are the documented behaviours of the security
 * API that the backend's tests rely on, checked with the official client as it comes and with
 * plain HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, errors } from '@elastic/elasticsearch';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from './stand-in.ts';

let standIn: ElasticsearchStandIn;
before(async () => {
  standIn = await startElasticsearchStandIn({ users: [{ username: 'jacknich', password: 'j@rV1s', roles: ['admin'] }] });
});
after(() => standIn?.close());

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const admin = (): string => basic(standIn.admin.username, standIn.admin.password);
const call = async (method: string, path: string, authorization = admin(), body?: unknown) => {
  const response = await fetch(`${standIn.url}${path}`, {
    method,
    headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, any> };
};

describe('Elasticsearch stand-in', () => {
  test('the official client, as it comes, accepts it as Elasticsearch 9', async () => {
    const client = new Client({ node: standIn.url, auth: { username: standIn.admin.username, password: standIn.admin.password } });
    const created = await client.security.putUser({ username: 'viaclient', password: 'secret-pw', roles: ['r'] });
    assert.deepEqual(created, { created: true });
    const users = await client.security.getUser({ username: 'viaclient' });
    assert.deepEqual(users.viaclient?.roles, ['r']);
    await client.close();
  });

  test('as Elasticsearch 8 it refuses the 9 client media type, as Elasticsearch 8 does', async () => {
    const eight = await startElasticsearchStandIn({ major: 8 });
    const client = new Client({ node: eight.url, auth: { username: eight.admin.username, password: eight.admin.password } });
    try {
      await assert.rejects(client.security.getUser({ username: 'x' }), (error: unknown) => {
        assert.ok(error instanceof errors.ResponseError);
        assert.equal(error.statusCode, 400);
        assert.equal(error.body.error.type, 'media_type_header_exception');
        return true;
      });
    } finally {
      await client.close();
      await eight.close();
    }
  });

  test('wrong or missing credentials: 401 with the security_exception body and WWW-Authenticate', async () => {
    const wrong = await call('GET', '/_security/user/jacknich', basic('jacknich', 'nope'));
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('x-elastic-product'), 'Elasticsearch');
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic realm="security"/);
    assert.equal(wrong.body.error.type, 'security_exception');
    assert.equal(wrong.body.error.reason, 'unable to authenticate user [jacknich] for REST request [/_security/user/jacknich]');
    assert.equal(wrong.body.status, 401);
    assert.match((await call('GET', '/', '')).body.error.reason, /^missing authentication credentials/);
  });

  test('get users: the documented shape, 404 {} for unknown names, comma lists, reserved users marked', async () => {
    const found = await call('GET', '/_security/user/jacknich');
    assert.deepEqual(found.body, {
      jacknich: { username: 'jacknich', roles: ['admin'], full_name: null, email: null, metadata: {}, enabled: true },
    });
    const missing = await call('GET', '/_security/user/nobody');
    assert.deepEqual([missing.status, missing.body], [404, {}]);
    assert.deepEqual(Object.keys((await call('GET', '/_security/user/jacknich,elastic,nobody')).body).sort(), ['elastic', 'jacknich']);
    assert.deepEqual((await call('GET', '/_security/user/elastic')).body.elastic.metadata, { _reserved: true });
    assert.equal((await call('GET', '/_security/user/_xpack')).status, 404, 'internal users are not listed');
  });

  test('create or update: created true, then false; an update without password keeps it', async () => {
    const body = { password: 'first-password', roles: ['a'], full_name: 'N', email: 'n@example.com', metadata: { k: 1 } };
    assert.deepEqual((await call('PUT', '/_security/user/nadia', admin(), body)).body, { created: true });
    assert.deepEqual((await call('POST', '/_security/user/nadia', admin(), { roles: ['b'] })).body, { created: false });
    const me = await call('GET', '/_security/_authenticate', basic('nadia', 'first-password'));
    assert.equal(me.status, 200);
    assert.deepEqual([me.body.username, me.body.roles, me.body.authentication_realm.type], ['nadia', ['b'], 'native']);
  });

  test('refusals: 400 action_request_validation_exception with Elastic wording', async () => {
    const reasons = async (name: string, body: unknown): Promise<string> => {
      const answer = await call('PUT', `/_security/user/${encodeURIComponent(name)}`, admin(), body);
      assert.equal(answer.status, 400);
      return `${answer.body.error.type}: ${answer.body.error.reason}`;
    };
    const ok = { password: 'long-enough', roles: [] };
    assert.match(await reasons('elastic', ok), /action_request_validation_exception: .*user \[elastic\] is reserved and only the password can be changed;/);
    assert.match(await reasons('kibana_system', ok), /is reserved/);
    assert.match(await reasons('_xpack', ok), /user \[_xpack\] is internal/);
    assert.match(await reasons(' padded', ok), /Leading or trailing whitespace is not allowed/);
    assert.match(await reasons('newbie', { roles: [] }), /password must be specified unless you are updating an existing user/);
    assert.match(await reasons('newbie', { password: 'short', roles: [] }), /passwords must be at least \[6\] characters long/);
    assert.match(await reasons('newbie', { password: 'long-enough' }), /roles are missing/);
    assert.match(await reasons('newbie', { ...ok, metadata: { _x: 1 } }), /metadata keys may not start with \[_\]/);
  });

  test('disable: the user can no longer authenticate; a write enables it again', async () => {
    await call('PUT', '/_security/user/dora', admin(), { password: 'dora-password', roles: [] });
    assert.equal((await call('PUT', '/_security/user/dora/_disable')).status, 200);
    assert.equal((await call('GET', '/_security/_authenticate', basic('dora', 'dora-password'))).status, 401);
    await call('PUT', '/_security/user/dora', admin(), { roles: [], enabled: true });
    assert.equal((await call('GET', '/_security/_authenticate', basic('dora', 'dora-password'))).status, 200);
  });

  test('faults: an injected status answers with the error envelope, only as often as asked', async () => {
    standIn.setFault({ kind: 'status', status: 503, times: 1 });
    assert.equal((await call('GET', '/_security/user/jacknich')).status, 503);
    assert.equal((await call('GET', '/_security/user/jacknich')).status, 200);
  });
});

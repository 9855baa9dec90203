/**
 * Trusted upstream headers (elastauth's authelia provider, hardened) with the Elasticsearch
 * backend against the security-API stand-in and the EventStoreDB trusted header: who is believed,
 * which credentials reach the app, and how refusals and outages map onto 401/403/5xx.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '../../../e2e/stand-ins/elasticsearch/stand-in.ts';
import { eventually } from '../support/eventually.ts';
import { startSourceServer, type SourceServer } from '../support/source-server.ts';

const SECRET = 'upstream-secret-0123456789abcdef';
const CONFIG = `
group_mappings:
  admins: [kibana_admin]
  ops-team: [$ops]
  odd: ["a,b"]
default_roles: [kibana_user]
`;

describe('trusted headers and backends', () => {
  let es: ElasticsearchStandIn;
  let gatehouse: SourceServer;
  before(async () => {
    es = await startElasticsearchStandIn({ users: [{ username: 'carol', password: 'carols-own-password', roles: ['viewer'] }] });
    gatehouse = await startSourceServer(
      {
        GATEHOUSE_AUTH_PROVIDER: 'authelia',
        GATEHOUSE_TRUSTED_HEADER_SECRET: SECRET,
        GATEHOUSE_ELASTICSEARCH_HOSTS: es.url,
        GATEHOUSE_ELASTICSEARCH_USERNAME: es.admin.username,
        GATEHOUSE_ELASTICSEARCH_PASSWORD: es.admin.password,
        GATEHOUSE_COOKIE_SECRET: Buffer.alloc(32, 7).toString('base64'),
      },
      CONFIG,
    );
  });
  after(async () => {
    await gatehouse.stop();
    await es.close();
  });

  const as = (user: string, groups = '', extra: Record<string, string> = {}) => ({
    'x-gatehouse-upstream-secret': SECRET,
    'remote-user': user,
    ...(groups && { 'remote-groups': groups }),
    ...extra,
  });
  const lastReasons = () => gatehouse.logs.filter((l) => l.msg === 'auth check' || l.msg === 'auth check failed').at(-1)?.reasons;

  it('identity headers from anyone but the authenticated upstream answer 401', async () => {
    // What ingress-nginx forwards when a client sends its own Remote-User: no upstream secret.
    const forged: Array<Record<string, string>> = [{ 'remote-user': 'admin' }, { 'remote-user': 'admin', 'x-gatehouse-upstream-secret': 'guess-guess-guess-guess' }];
    for (const headers of forged) {
      const res = await gatehouse.check('', headers);
      assert.equal(res.status, 401);
      assert.equal(res.headers['x-auth-request-user'], undefined);
    }
    assert.equal((await gatehouse.check('', { 'x-gatehouse-upstream-secret': SECRET })).status, 401, 'no user');
    assert.equal((await gatehouse.check('', as('bad user'))).status, 401, 'invalid username');
  });

  it('the upstream identity maps to roles; browser sign-in is not served', async () => {
    const res = await gatehouse.check('', as('alice', 'Admins,devs', { 'remote-email': 'alice@example.com' }));
    assert.equal(res.status, 200);
    assert.equal(res.headers['x-auth-request-user'], 'alice');
    assert.equal(res.headers['x-auth-request-roles'], 'kibana_admin');
    assert.equal((await gatehouse.request('/oauth2/start')).status, 404);
  });

  it('elasticsearch: a managed user is created and its Basic credentials authenticate', async () => {
    const res = await gatehouse.check('?backend=elasticsearch', as('alice', 'admins', { 'remote-email': 'alice@example.com', 'remote-name': 'Alice Admin' }));
    assert.equal(res.status, 200);
    const authorization = res.headers.authorization ?? '';
    assert.match(authorization, /^Basic /);
    assert.ok(es.authenticate(authorization));
    const user = es.user('alice');
    assert.deepEqual(user?.roles, ['kibana_admin']);
    assert.equal(user?.full_name, 'Alice Admin');
    assert.deepEqual(user?.metadata, { ...user?.metadata, groups: ['admins'], managed_by: 'gatehouse' });
    const again = await gatehouse.check('?backend=elasticsearch', as('alice', 'admins', { 'remote-email': 'alice@example.com', 'remote-name': 'Alice Admin' }));
    assert.equal(again.headers.authorization, authorization, 'cached');
    assert.equal(es.upserts('alice'), 1);
  });

  it('elasticsearch: concurrent first requests make exactly one upsert, every answer authenticates', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => gatehouse.check('?backend=elasticsearch', as('bob', 'devs'))));
    assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
    assert.equal(es.upserts('bob'), 1);
    for (const answer of answers) assert.ok(es.authenticate(answer.headers.authorization ?? ''));
  });

  it('elasticsearch: a change of groups writes the user again before the cache expires', async () => {
    await gatehouse.check('?backend=elasticsearch', as('dave', 'devs'));
    const changed = await gatehouse.check('?backend=elasticsearch', as('dave', 'admins'));
    assert.equal(changed.status, 200);
    assert.equal(es.upserts('dave'), 2);
    assert.deepEqual(es.user('dave')?.roles, ['kibana_admin']);
    assert.ok(es.authenticate(changed.headers.authorization ?? ''));
  });

  it('elasticsearch: reserved and unmanaged users are never written (403); an outage is 5xx', async () => {
    for (const name of ['elastic', 'kibana_system', 'carol']) {
      const res = await gatehouse.check('?backend=elasticsearch', as(name));
      assert.equal(res.status, 403, name);
      assert.equal(res.headers.authorization, undefined);
      assert.equal(es.upserts(name), 0, name);
      await eventually(async () => assert.deepEqual(lastReasons(), ['backend-refused']), 20, 50);
    }
    assert.ok(es.authenticate(`Basic ${Buffer.from('carol:carols-own-password').toString('base64')}`), 'carol untouched');
    es.setFault({ kind: 'status', status: 503 });
    try {
      const res = await gatehouse.check('?backend=elasticsearch', as('erin'));
      assert.ok(res.status >= 500, String(res.status));
      await eventually(async () => assert.deepEqual(lastReasons(), ['backend-unavailable']), 20, 50);
    } finally {
      es.setFault(undefined);
    }
  });

  it('eventstore: user; roles from mappings only, raw groups never; unsafe values refused', async () => {
    const header = async (user: string, groups: string) => (await gatehouse.check('?backend=eventstore', as(user, groups))).headers['es-trustedauth'];
    assert.equal(await header('alice', 'admins'), 'alice; kibana_admin');
    assert.equal(await header('olga', 'ops-team'), 'olga; $ops');
    assert.equal(await header('mallory', '$admins'), 'mallory; kibana_user', 'a raw $admins group is not a role');
    const odd = await gatehouse.check('?backend=eventstore', as('oscar', 'odd'));
    assert.equal(odd.status, 403, 'a role holding "," is refused, never emitted');
    assert.equal(odd.headers['es-trustedauth'], undefined);
  });

  it('an unknown or unconfigured backend answers 500, never an allow', async () => {
    assert.equal((await gatehouse.check('?backend=mysql', as('alice'))).status, 500);
  });
});

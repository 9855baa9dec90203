import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '../../../../e2e/stand-ins/elasticsearch/stand-in.ts';
import { Registry } from 'prom-client';
import { createDispatcher, DIRECT } from '../../http/outbound/create-dispatcher.ts';
import { transportAgent } from '../../http/outbound/transport-agent.ts';
import { createElasticsearchBackend } from './backend.ts';
import { createMemoryCredentialCache } from './credential-cache.ts';
import { backendFor, capturingLogger, passwordOf } from './provision.fixture.ts';

let standIn: ElasticsearchStandIn;
before(async () => {
  standIn = await startElasticsearchStandIn({
    users: [{ username: 'returning', password: 'old-password', roles: ['viewer'], metadata: { managed_by: 'gatehouse' } }],
  });
});
after(() => standIn?.close());

/** Asks the stand-in's _authenticate, over HTTP, who `authorization` is. */
async function whoAmI(authorization: string): Promise<{ status: number; username?: string }> {
  const response = await fetch(`${standIn.url}/_security/_authenticate`, { headers: { authorization } });
  const body = (await response.json()) as { username?: string };
  return { status: response.status, username: body.username };
}

const alice = { username: 'alice', roles: ['kibana_user', 'viewer', 'viewer'], groups: ['devs', 'admins'], fullName: 'Alice A', email: 'alice@example.com' };

describe('provisioning an Elasticsearch credential', () => {
  test('creates the user with roles, name, email and metadata, and hands out a password Elasticsearch accepts', async () => {
    const backend = backendFor(standIn);
    const { authorization } = await backend.provisioner.provision(alice);
    assert.match(authorization, /^Basic [A-Za-z0-9+/]+=*$/);
    assert.ok(passwordOf(authorization).length >= 32);
    assert.deepEqual(await whoAmI(authorization), { status: 200, username: 'alice' });
    const user = standIn.user('alice');
    assert.deepEqual(user?.roles, ['kibana_user', 'viewer']);
    assert.equal(user?.full_name, 'Alice A');
    assert.equal(user?.email, 'alice@example.com');
    assert.deepEqual(user?.metadata.groups, ['devs', 'admins']);
    assert.equal(user?.metadata.managed_by, 'gatehouse');
    assert.equal(typeof user?.metadata.credential_expires_at, 'string');
    assert.equal(standIn.upserts('alice'), 1);
    assert.equal(await backend.count('gatehouse_elasticsearch_upserts_total', { outcome: 'created' }), 1);
    assert.equal(await backend.count('gatehouse_credential_cache_total', { result: 'miss' }), 1);
    assert.equal(await backend.count('gatehouse_elasticsearch_request_duration_seconds', { operation: 'put_user', outcome: 'success' }), 1);
  });

  test('answers from the cache until it expires, then writes a new password', async () => {
    let clock = Date.now();
    const now = (): number => clock;
    const backend = backendFor(standIn, { now, cache: createMemoryCredentialCache({ now }), expirationMs: 60_000 });
    const identity = { ...alice, username: 'cached-carol' };
    const first = await backend.provisioner.provision(identity);
    const again = await backend.provisioner.provision({ ...identity, roles: [...identity.roles].reverse() });
    assert.equal(again.authorization, first.authorization, 'role order changes nothing');
    assert.equal(standIn.upserts('cached-carol'), 1);
    assert.equal(await backend.count('gatehouse_credential_cache_total', { result: 'hit' }), 1);
    clock += 60_001;
    const later = await backend.provisioner.provision(identity);
    assert.notEqual(later.authorization, first.authorization);
    assert.equal(standIn.upserts('cached-carol'), 2);
    assert.equal((await whoAmI(first.authorization)).status, 401, 'the expired password was replaced');
    assert.equal((await whoAmI(later.authorization)).status, 200);
  });

  test('updates a user gatehouse manages already (created: false)', async () => {
    const backend = backendFor(standIn);
    const { authorization } = await backend.provisioner.provision({ username: 'returning', roles: [], groups: [] });
    assert.deepEqual(await whoAmI(authorization), { status: 200, username: 'returning' });
    assert.deepEqual(standIn.user('returning')?.roles, [], 'no roles is [] and never null');
    assert.equal(await backend.count('gatehouse_elasticsearch_upserts_total', { outcome: 'updated' }), 1);
  });

  test('writes names that need URL-encoding to exactly that user', async () => {
    const backend = backendFor(standIn);
    for (const username of ['jane.doe@example.com', 'a b/c?d#e%f&g=h', 'x+y']) {
      const { authorization } = await backend.provisioner.provision({ username, roles: ['r'], groups: [] });
      assert.deepEqual(await whoAmI(authorization), { status: 200, username });
      assert.equal(standIn.upserts(username), 1);
    }
  });

  test('dry run: nothing reaches Elasticsearch, and a cached generated password is handed out', async () => {
    const backend = backendFor(standIn, { dryRun: true });
    const before = standIn.requestLog.length;
    const first = await backend.provisioner.provision({ ...alice, username: 'dry-dora' });
    const second = await backend.provisioner.provision({ ...alice, username: 'dry-dora' });
    assert.equal(standIn.requestLog.length, before);
    assert.equal(first.authorization, second.authorization);
    assert.ok(passwordOf(first.authorization).length >= 32);
    assert.equal(standIn.user('dry-dora'), undefined);
    assert.equal(await backend.count('gatehouse_elasticsearch_upserts_total', { outcome: 'dry_run' }), 1);
    assert.ok(backend.logger.lines.some((line) => line.includes('dry run')));
  });

  test('never logs a password or an Authorization value', async () => {
    const backend = backendFor(standIn);
    const { authorization } = await backend.provisioner.provision({ ...alice, username: 'quiet-quinn' });
    await backend.provisioner.provision({ ...alice, username: 'quiet-quinn', roles: ['other'] });
    const logged = backend.logger.lines.join('\n');
    assert.ok(backend.logger.lines.length > 0);
    assert.ok(!logged.includes(passwordOf(authorization)));
    assert.ok(!logged.includes(authorization.slice('Basic '.length)));
    assert.ok(!logged.includes(standIn.admin.password));
  });

  test('assembled from configuration, with the metrics on the given registry', async () => {
    const registry = new Registry();
    const backend = createElasticsearchBackend(
      {
        hosts: [standIn.url],
        username: standIn.admin.username,
        password: standIn.admin.password,
        agent: transportAgent(createDispatcher({ connectTimeoutMs: 2000, timeoutMs: 2000, proxy: DIRECT }), capturingLogger()),
        requestTimeoutMs: 2000,
        expirationMs: 60_000,
        dryRun: false,
        cacheSecrets: ['a secret of at least thirty-two bytes, from a file'],
        cache: { kind: 'memory' },
        disableExpiredEveryMs: 60_000,
      },
      { logger: capturingLogger(), registry },
    );
    try {
      const { authorization } = await backend.provisioner.provision({ ...alice, username: 'wired-wanda' });
      assert.deepEqual(await whoAmI(authorization), { status: 200, username: 'wired-wanda' });
      assert.match(await registry.metrics(), /gatehouse_elasticsearch_upserts_total\{outcome="created"\} 1/);
    } finally {
      await backend.close();
    }
  });
});

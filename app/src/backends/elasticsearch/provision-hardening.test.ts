import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '../../../../e2e/stand-ins/elasticsearch/stand-in.ts';
import { BackendRefusedError } from '../errors.ts';
import { createCredentialSealer, credentialKey } from './credential-entry.ts';
import { backendFor, passwordOf } from './provision.fixture.ts';

let standIn: ElasticsearchStandIn;
before(async () => {
  standIn = await startElasticsearchStandIn({
    anonymousUsername: 'guest',
    users: [
      { username: 'alice-admin', password: 'human-password', roles: ['superuser'] },
      { username: 'ops-bot', password: 'bot-password', roles: ['monitor'], metadata: { managed_by: 'terraform' } },
    ],
  });
});
after(() => standIn?.close());

const refused = (reason: string) => (error: unknown) => {
  assert.ok(error instanceof BackendRefusedError, String(error));
  assert.equal(error.reason, reason);
  assert.equal(error.status, 403);
  return true;
};

describe('usernames gatehouse never writes', () => {
  test('reserved and internal users, and the deny-list, are refused without any request to Elasticsearch', async () => {
    const backend = backendFor(standIn, { deniedUsers: ['svc-backup'] });
    const sent = standIn.requestLog.length;
    for (const username of ['elastic', 'kibana_system', 'kibana', 'remote_monitoring_user', '_xpack', '_anonymous', 'svc-backup']) {
      await assert.rejects(backend.provisioner.provision({ username, roles: ['superuser'], groups: [] }), refused('reserved_user'));
    }
    assert.equal(standIn.requestLog.length, sent);
    assert.ok(backend.logger.lines.some((line) => line.includes('"reason":"reserved_user"') && line.includes('kibana_system')));
    assert.equal(await backend.count('gatehouse_elasticsearch_upserts_total', { outcome: 'refused' }), 7);
  });

  test('a user Elasticsearch itself refuses with 400 (a configured anonymous user) is a 403, not a 5xx', async () => {
    const backend = backendFor(standIn);
    await assert.rejects(backend.provisioner.provision({ username: 'guest', roles: ['viewer'], groups: [] }), refused('reserved_user'));
    assert.equal(standIn.user('guest'), undefined);
    assert.ok(standIn.requestLog.some((r) => r.path === '/_security/user/guest' && r.status === 400));
  });

  test('any other 400 from Elasticsearch (a role name it refuses) is a 403 with its reason', async () => {
    const backend = backendFor(standIn);
    await assert.rejects(
      backend.provisioner.provision({ username: 'rene', roles: ['rôle'], groups: [] }),
      refused('elasticsearch_refused'),
    );
    assert.equal(await backend.count('gatehouse_elasticsearch_request_duration_seconds', { operation: 'put_user', outcome: 'refused' }), 1);
  });

  test('names that cannot work behind a Basic header or in get-users are refused before any request', async () => {
    const backend = backendFor(standIn);
    const sent = standIn.requestLog.length;
    for (const username of ['', 'a:b', 'a,b', ' lead', 'trail ', 'tab\there', 'new\nline', 'é', 'x'.repeat(508)]) {
      await assert.rejects(backend.provisioner.provision({ username, roles: [], groups: [] }), refused('invalid_username'));
    }
    assert.equal(standIn.requestLog.length, sent);
  });

  test('an existing user gatehouse did not create is refused and left untouched', async () => {
    const backend = backendFor(standIn);
    for (const username of ['alice-admin', 'ops-bot']) {
      await assert.rejects(backend.provisioner.provision({ username, roles: ['viewer'], groups: [] }), refused('unmanaged_user'));
      assert.equal(standIn.upserts(username), 0);
      assert.ok(!standIn.requestLog.some((r) => r.method !== 'GET' && r.path.includes(username)), 'no write was sent');
    }
    assert.ok(standIn.authenticate(`Basic ${Buffer.from('alice-admin:human-password').toString('base64')}`));
    assert.deepEqual(standIn.user('alice-admin')?.roles, ['superuser']);
    assert.ok(backend.logger.lines.some((line) => line.includes('"reason":"unmanaged_user"') && line.includes('alice-admin')));
  });
});

describe('changes and broken cache entries', () => {
  test('a change of roles, groups, name or email writes the user again before the entry expires, keeping the password', async () => {
    const backend = backendFor(standIn);
    const base = { username: 'changing-chris', roles: ['viewer'], groups: ['devs'], fullName: 'Chris', email: 'c@example.com' };
    const first = await backend.provisioner.provision(base);
    const changes = [
      { ...base, roles: ['viewer', 'editor'] },
      { ...base, roles: ['viewer', 'editor'], groups: ['devs', 'ops'] },
      { ...base, roles: ['viewer', 'editor'], groups: ['devs', 'ops'], fullName: 'Christine' },
      { ...base, roles: ['viewer', 'editor'], groups: ['devs', 'ops'], fullName: 'Christine', email: 'christine@example.com' },
    ];
    for (const [i, identity] of changes.entries()) {
      const { authorization } = await backend.provisioner.provision(identity);
      assert.equal(standIn.upserts('changing-chris'), i + 2);
      assert.equal(authorization, first.authorization, 'the password is kept');
      assert.ok(standIn.authenticate(authorization));
    }
    const user = standIn.user('changing-chris');
    assert.deepEqual([user?.roles, user?.metadata.groups, user?.full_name, user?.email], [
      ['viewer', 'editor'], ['devs', 'ops'], 'Christine', 'christine@example.com',
    ]);
  });

  test('a tampered, misplaced or foreign-key entry is replaced with a new credential, not an error', async () => {
    const backend = backendFor(standIn);
    const identity = { username: 'tampered-tom', roles: ['viewer'], groups: [] };
    const other = { username: 'other-olga', roles: ['viewer'], groups: [] };
    await backend.provisioner.provision(other);
    const first = await backend.provisioner.provision(identity);
    const key = credentialKey(identity.username);
    const stored = (await backend.cache.get(key)) as string;
    const flipped = stored.slice(0, 30) + (stored[30] === 'A' ? 'B' : 'A') + stored.slice(31);
    const foreign = createCredentialSealer([randomBytes(32)]).seal(identity.username, {
      password: 'x'.repeat(43), fingerprint: 'f', expiresAt: Date.now() + 60_000,
    });
    const replacements = [flipped, (await backend.cache.get(credentialKey(other.username))) as string, foreign, 'not-sealed'];
    let previous = first.authorization;
    for (const [i, replacement] of replacements.entries()) {
      await backend.cache.set(key, replacement, 60_000);
      const { authorization } = await backend.provisioner.provision(identity);
      assert.notEqual(authorization, previous);
      assert.ok(standIn.authenticate(authorization), 'the new password works');
      assert.ok(!standIn.authenticate(previous), 'the old one is gone');
      assert.equal(standIn.upserts(identity.username), i + 2);
      previous = authorization;
    }
    assert.equal(await backend.count('gatehouse_credential_cache_total', { result: 'invalid' }), 4);
    assert.equal(passwordOf(previous).length, 43);
  });

  test('entries sealed under a rotated-out secret still open while that secret is listed', async () => {
    const old = 'an old secret of at least thirty-two bytes';
    const fresh = randomBytes(32);
    const entry = { password: 'p'.repeat(43), fingerprint: 'f', expiresAt: 1 };
    const sealed = createCredentialSealer([old]).seal('u', entry);
    assert.deepEqual(createCredentialSealer([fresh, old]).open('u', sealed), entry);
    assert.equal(createCredentialSealer([fresh]).open('u', sealed), undefined);
    assert.equal(createCredentialSealer([fresh, old]).open('v', sealed), undefined, 'bound to its username');
    assert.throws(() => createCredentialSealer(['short']), /32/);
    assert.throws(() => createCredentialSealer([randomBytes(16)]), /32/);
  });
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '../../../../e2e/stand-ins/elasticsearch/stand-in.ts';
import { createMemoryCredentialCache } from './credential-cache.ts';
import { disableExpiredUsers } from './disable-expired.ts';
import { backendFor } from './provision.fixture.ts';

let standIn: ElasticsearchStandIn;
before(async () => {
  standIn = await startElasticsearchStandIn({
    users: [{ username: 'human-hal', password: 'human-password', roles: ['viewer'] }],
  });
});
after(() => standIn?.close());

test('expired managed users are disabled, and the next request enables them with a new password', async () => {
  let clock = Date.now();
  const now = (): number => clock;
  const cache = createMemoryCredentialCache({ now });
  const backend = backendFor(standIn, { now, cache, expirationMs: 60_000 });
  const early = await backend.provisioner.provision({ username: 'early-ed', roles: ['viewer'], groups: [] });
  clock += 30_000;
  const late = await backend.provisioner.provision({ username: 'late-liz', roles: ['viewer'], groups: [] });
  clock += 30_001;

  const sweep = { api: backend.api, locks: cache, logger: backend.logger, now };
  assert.deepEqual(await disableExpiredUsers(sweep), ['early-ed']);
  assert.equal(standIn.user('early-ed')?.enabled, false);
  assert.ok(!standIn.authenticate(early.authorization), 'the leaked header no longer works');
  assert.ok(standIn.authenticate(late.authorization), 'a credential still valid is left alone');
  assert.equal(standIn.user('human-hal')?.enabled, true, 'users gatehouse does not manage are left alone');
  assert.equal(standIn.user('elastic')?.enabled, true);

  const again = await backend.provisioner.provision({ username: 'early-ed', roles: ['viewer'], groups: [] });
  assert.notEqual(again.authorization, early.authorization);
  assert.equal(standIn.user('early-ed')?.enabled, true);
  assert.ok(standIn.authenticate(again.authorization));
  assert.deepEqual(await disableExpiredUsers(sweep), [], 'nothing else expired');
});

test('a user being written by a replica (its lock held) is not disabled', async () => {
  let clock = Date.now();
  const now = (): number => clock;
  const cache = createMemoryCredentialCache({ now });
  const backend = backendFor(standIn, { now, cache, expirationMs: 1000 });
  await backend.provisioner.provision({ username: 'busy-ben', roles: ['viewer'], groups: [] });
  clock += 1001;
  assert.ok(await cache.lock('busy-ben', 60_000));
  const disabled = await disableExpiredUsers({ api: backend.api, locks: cache, logger: backend.logger, now });
  assert.ok(!disabled.includes('busy-ben'));
  assert.equal(standIn.user('busy-ben')?.enabled, true);
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Registry } from 'prom-client';
import { startElasticsearchStandIn, type ElasticsearchStandIn } from '../../../../e2e/stand-ins/elasticsearch/stand-in.ts';
import type { IdentityView } from '../../identity/identity-view.ts';
import { REASONS } from '../../policy/reasons.ts';
import type { Identity } from '../../session/session-record.ts';
import { createBackendAnswerer } from '../answer-backend.ts';
import { BackendRefusedError } from '../errors.ts';
import { createMemoryCredentialCache } from './credential-cache.ts';
import { credentialKey } from './credential-entry.ts';
import { disableExpiredUsers } from './disable-expired.ts';
import { createElasticsearchMetrics } from './metrics.ts';
import { backendFor } from './provision.fixture.ts';

/** Lone surrogates: a high one, a low one, and a pair in the wrong order. */
const MALFORMED = ['eve\uD800', '\uDC00eve', 'eve\uDC00\uD800x'];
const refusesName = (err: unknown): boolean => err instanceof BackendRefusedError && err.reason === 'invalid_username' && err.status === 403;

let standIn: ElasticsearchStandIn;
before(async () => {
  const expired = { managed_by: 'gatehouse', credential_expires_at: new Date(Date.now() - 60_000).toISOString() };
  // Listed first, so a sweep that stopped at it would never reach the users after it.
  standIn = await startElasticsearchStandIn({ users: MALFORMED.map((username) => ({ username, password: 'x'.repeat(32), roles: ['viewer'], metadata: expired })) });
});
after(() => standIn?.close());

test('credentialKey refuses a name with a lone surrogate (a 403 refusal, not a thrown URIError); well-formed names each have their key', () => {
  for (const name of MALFORMED) assert.throws(() => credentialKey(name), refusesName, JSON.stringify(name));
  const keys = ['alice', 'jöran', 'ops 😀', 'a/b%c'].map(credentialKey);
  assert.deepEqual(keys, ['alice', 'j%C3%B6ran', 'ops%20%F0%9F%98%80', 'a%2Fb%25c']);
});

test('a check for such a user is answered 403 with nothing written to Elasticsearch, never an allow', async () => {
  const backend = backendFor(standIn);
  const elasticsearch = { provisioner: backend.provisioner, metrics: createElasticsearchMetrics(new Registry()), close: async () => {} };
  const answer = createBackendAnswerer({ elasticsearch, eventstoreHeader: 'es-trustedauth' });
  // The answerer reads only the roles of the view.
  const view = { roles: ['viewer'] } as unknown as IdentityView;
  for (const user of MALFORMED) {
    const upserts = standIn.upserts(user);
    const identity: Identity = { sub: 'sub-1', user, email: undefined, groups: [], preferredUsername: undefined, name: undefined, dn: undefined, claims: {} };
    const answered = await answer('elasticsearch', identity, view);
    assert.deepEqual(answered, { ok: false, status: 403, reason: REASONS.backendRefused, detail: 'invalid_username' }, JSON.stringify(user));
    assert.equal(standIn.upserts(user), upserts);
  }
});

test('the expiry sweep logs and skips such a user and goes on to disable the others', async () => {
  let clock = Date.now();
  const now = (): number => clock;
  const cache = createMemoryCredentialCache({ now });
  const backend = backendFor(standIn, { now, cache, expirationMs: 1_000 });
  await backend.provisioner.provision({ username: 'after-ann', roles: ['viewer'], groups: [] });
  clock += 1_001;
  const disabled = await disableExpiredUsers({ api: backend.api, locks: cache, logger: backend.logger, now });
  assert.deepEqual(disabled, ['after-ann']);
  assert.equal(standIn.user('after-ann')?.enabled, false);
  const skipped = backend.logger.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'elasticsearch user not disabled');
  assert.equal(skipped.length, MALFORMED.length);
  assert.match(String(skipped[0]?.err), /lone UTF-16 surrogate/);
});

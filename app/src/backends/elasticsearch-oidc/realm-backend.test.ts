import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import { NO_METRICS } from '../elasticsearch/metrics.ts';
import type { SessionRecord } from '../../session/session-record.ts';
import { createRealmBackend } from './realm-backend.ts';

const NOW = 1_700_000_000_000;
const record = (extra: Partial<SessionRecord>, expiresAt = NOW + 60_000): SessionRecord => ({
  version: 2,
  createdAt: NOW,
  expiresAt: NOW + 3_600_000,
  sid: undefined,
  identity: { sub: 'alice', user: 'alice', email: undefined, groups: [], preferredUsername: undefined, name: undefined, dn: undefined, claims: {} },
  tokens: { idToken: '', accessToken: 'dGhpcyBpcyBub3QgYSByZWFsIHRva2Vu', refreshToken: 'vLBPvmAB6KvwvJZr27cS', accessTokenExpiresAt: expiresAt },
  ...extra,
});

test("the answer is the session's Elasticsearch token, and only a realm session's, and only while it is valid", async () => {
  // Never called: answering is a look at the record.
  const client = new Client({ node: 'http://127.0.0.1:9' });
  const backend = createRealmBackend({ realm: 'oidc1', issuer: undefined }, client, NO_METRICS);
  try {
    assert.deepEqual(backend.answer(record({ elasticsearchRealm: 'oidc1' }), NOW), { ok: true, headers: ['Authorization', 'Bearer dGhpcyBpcyBub3QgYSByZWFsIHRva2Vu'] });
    const provider = backend.answer(record({}), NOW);
    assert.deepEqual([provider.ok, !provider.ok && provider.status], [false, 403], "a provider session's access token is not Elasticsearch's");
    const none = backend.answer(undefined, NOW);
    assert.deepEqual([none.ok, !none.ok && none.status, !none.ok && none.reason], [false, 403, 'backend-refused'], 'a Bearer or header identity has no Elasticsearch token');
    const expired = backend.answer(record({ elasticsearchRealm: 'oidc1' }, NOW), NOW);
    assert.deepEqual([expired.ok, !expired.ok && expired.status, !expired.ok && expired.reason], [false, 502, 'backend-unavailable']);
  } finally {
    await backend.close();
  }
});

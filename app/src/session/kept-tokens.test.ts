import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../observability/logger.ts';
import { keepsAccessToken } from './kept-tokens.ts';
import { createMemoryStore } from './memory-store.ts';
import { createSealer } from './seal.ts';
import type { SessionRecord } from './session-record.ts';
import { createSessions } from './sessions.ts';
import { sampleRecord } from './store.contract.ts';
import { createTokenRefresher } from './token-refresher.ts';

const env = {
  GATEHOUSE_OIDC_ISSUER_URL: 'https://login.example.com',
  GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
  GATEHOUSE_OIDC_CLIENT_SECRET: 's',
  GATEHOUSE_REDIRECT_URL: 'https://app.example.com/oauth2/callback',
  GATEHOUSE_COOKIE_SECRET: Buffer.alloc(32, 5).toString('base64'),
};
const TOKENS = { idToken: 'id', accessToken: 'at', refreshToken: 'rt', accessTokenExpiresAt: 1_000 };

test('the access token is kept only when an upstream header sends it, or for the Elasticsearch realm', async () => {
  const cases: Array<[Record<string, string>, string | undefined, string | undefined]> = [
    [{}, undefined, undefined],
    [{ GATEHOUSE_SET_AUTHORIZATION_HEADER: 'id_token' }, undefined, undefined],
    [{ GATEHOUSE_SET_AUTHORIZATION_HEADER: 'access_token' }, undefined, 'at'],
    [{ GATEHOUSE_SET_ACCESS_TOKEN_HEADER: 'true' }, undefined, 'at'],
    [{}, 'realm1', 'at'],
  ];
  for (const [extra, realm, kept] of cases) {
    const config = loadConfig({ ...env, ...extra });
    const store = createMemoryStore({ maxEntries: 10 });
    const { id } = await createSessions(config, store, createSealer(config.cookie.keys)).create(sampleRecord(0).identity, TOKENS, undefined, realm);
    const record = await store.get(id, 60_000);
    assert.deepEqual(record?.tokens, { ...TOKENS, accessToken: kept }, JSON.stringify(extra));
    assert.equal(keepsAccessToken(config), kept === 'at' && realm === undefined);
    await store.close();
  }
});

test('a refresh keeps the new access token only when it is kept at all; the realm\'s always', async () => {
  for (const [keepsAccessToken, realm, kept] of [[false, undefined, undefined], [true, undefined, 'at-2'], [false, 'realm1', 'at-2']] as const) {
    let clock = 1_000_000;
    const store = createMemoryStore({ maxEntries: 10, now: () => clock });
    const base = sampleRecord(clock);
    const record: SessionRecord = { ...base, tokens: { ...TOKENS, accessToken: keepsAccessToken || realm ? 'at' : undefined, accessTokenExpiresAt: clock + 10_000 }, ...(realm && { elasticsearchRealm: realm }) };
    await store.set('s1', record, 60_000);
    const refresher = createTokenRefresher({
      store,
      idp: { refresh: async () => ({ idToken: 'id-2', accessToken: 'at-2', refreshToken: 'rt-2', expiresIn: 300, claims: undefined }) },
      logger: createLogger('error', { write: () => undefined }),
      refreshBeforeExpiryMs: 60_000,
      idleTimeoutMs: 60_000,
      now: () => clock,
      onOutcome: () => undefined,
      onSessionEnded: async () => undefined,
      keepsAccessToken,
    });
    clock += 1_000;
    const fresh = await refresher.ensureFresh('s1', record);
    assert.equal(fresh.state, 'active');
    assert.equal(fresh.state === 'active' ? fresh.record.tokens.accessToken : 'ended', kept);
    assert.equal((await store.get('s1', 60_000))?.tokens.accessToken, kept);
    assert.equal((await store.get('s1', 60_000))?.tokens.refreshToken, 'rt-2');
    await store.close();
  }
});

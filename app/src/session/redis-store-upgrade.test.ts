/**
 * A rolling upgrade: sessions the previous version wrote — the hash layout, ids of 32 characters —
 * stay valid. The values below are what that version (before the compact layout) wrote for one
 * sign-in at the test provider, with the cookie key 32 × 0x07 and the default key prefix; they are
 * planted in Redis as they were and read by this version's store and session cookie handling.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '../../../e2e/support/redis-server.ts';
import { loadConfig } from '../config/load-config.ts';
import { redisTestConfig } from '../../test/support/redis-config.ts';
import { TEST_IDP_RECORD_JSON } from '../../test/support/test-idp-session-record.ts';
import { createRedisStore } from './redis-store.ts';
import { createSealer } from './seal.ts';
import { recordFromJson } from './session-record-json.ts';
import type { SessionRecord } from './session-record.ts';
import { createSessions } from './sessions.ts';
import type { SessionStore } from './store.ts';

const KEY = Buffer.alloc(32, 7);
const PREVIOUS = {
  id: 'Qm9vdHN0cmFwcGVkLXNlc3Npb24taWQx',
  cookie: 'AfGllm_behfCrO1H-nCv4tIguepQfD0F44OfQznOOCED3umazRs_6G8ffYTkUmQfXzq33rrP95q3KiGpjA',
  hash: {
    data:
      'AeVydQ24Kzg8OuVlgX5h50SDIyDHns3zZM5gYxwAMY6NuVNwRZpOjM_OSFVQb_9xHskcm2hsFl0jB6gO0HZAAPeKQCOBQCLnyCbCpN_czye0JtlbTBUwKvq8vbXPHNw2h-cIcG-2JPTbZGajcrSa_-vcfzz-9F_cQtL_n1KkN7X0PVgtYlWUgopi5yhe5K55EzQnKygnSCSFq0qa9gE48UNn8XUdvqLz5v4W4pgSrVtKrlSzTCLGLLWv1Th4GJtRaRcGrpYSu2AZLvgSTsmcwwv46Kul4jZlbGxlqSV32AiJHCAPdLop51PuGn5SQs4boDdM-Z9CLPIoAxoOuo4-HuJhfRuT8dYAv82NAINyP0RWG3dFbI7coOQ9FxHpt15WEnwrJCF3BlZ84ZkvF0Xs-AO4tTs7HMGPcbIh83r_cPei2PgUaCQv__bbepxUx6wpjF7vSmxUu19JhpqGwmCdDgCJGkFXpD9DmbmHJMLYWbyeWs88Fjg_KgDgrm4cg070L_oDWWW5l2v6J28WzVGrNXUXJJwsr1qntjSbkkkRW2n8c2XSwnuNjkVBa0U_LgQutMpjDWFgKcLWbKFKbVZeVgv4x4u7XdDV8rHfAsU5fWUG--maxr7vlCw5mZFFKNTsUH_eu9prnXG54oYisiQQ3k5cB_o9LWeal1reEXBGpNA1Ad1gUOivudwHrAOjCtAcsBmhFYGFWiwsiJkoaXAb_Ri4-mKaQwKMKFHm6-R9NWZ5UuefcOJIEFfPQG4A2kKo73Z2nLP2uXDOkVvohyYsTRIylWAJp5hTBJp2dGtsztc21aPIbWjAOyOzBi_gtY2dd-sC8Qw9y1XvAgrzFNuOiuJVpjio_4fKVTjT5Bvq36gxw0qiR_8VxY9pnpROmV2KigObU0gV9orsVdqoY90YujQWPxkhl15bfyEOk4qSRAeM-ruI9QgGC9iqYf3xadlw6Py4V0Xxa7ZdAB6fUsS4PPAxw2NA1NJLcRjxeW_bhLlm9sTPLVWpouH14rHYg1ak3FfnoaVtv7ncj3JaRGIeqvFXBFfOQKxvUh7sfQSzKzg4tByX_HMGDiyC-Ce7W_veZt5NO6ZwLrNKwNrPVl2toGU5bllnBoNBgixRajvKltdlLI3S9X9RfH2fv2jYCBZnNSRng2wbkHF1X92RYACuE_RsYfokdvEFBL6Grvd0NlvRPi-06O2EAEDw4x0qLifOcDt6eG066hw5hYOJ8lMSU-Lblvs91rirW_Z7_xmgY-9_dPwjpMIGvODcuwtiwgEeMe8GBF8rHJGQ0_3NlWFS4ypJSTHwHHMjdQn8jzLgvqwDxDbcRuvYzmePJa5SB8JivIkJG2Mily1YZ1WEhNhmbulvXZEY37J9LpRJZ4X5ygzKwRyn6-7NVGZBJ1USWS6aO22h938ppFXWU8G2jBb-evnBZCUCaugwh68Cdw1Nee-pkkuGA8251zhnPQKC-xGF7BB-LywlJ0ZB8IBmefuhUNVBc4IUZvQatnMYxtWikeD2sfhbKzoxCPKlDpeOV8gVE3O9vShqDrwMwig02bfw4pbjrR8sxUVBmIJ82FVlmYy1vsTze47NHWbqqtlb5wg37-YgeNFCA2JF__ZPq8dCDxo2tCt6-hhaMhoV71wgmV1JvXLTJfeQCnKE1Ld_QdY8uVRRfKPp6cOmlsYLZOqWF_A5bak0Rz24cMilcN-BjQnfxf-WA2uk7uxPVj86ahFb27NTTvi4UZq8p6b-GcuFQHEjUoTqh5v3XgQ5DI1PVUNsOrttCsPdsztupPutJaqhA5_wY3UafliAWYHlttCnvKNi',
    tag: 'AeVydQ24Kzg8OuVlgX5h50SD',
    expiresAt: '4102444800000',
  },
};
const RECORD: SessionRecord = { ...(recordFromJson(TEST_IDP_RECORD_JSON) as SessionRecord), createdAt: 4_102_358_400_000, expiresAt: 4_102_444_800_000 };

let server: RedisServerHandle;
let raw: Redis;
let store: SessionStore;
const config = loadConfig({
  GATEHOUSE_OIDC_ISSUER_URL: 'https://login.example.com',
  GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
  GATEHOUSE_OIDC_CLIENT_SECRET: 's',
  GATEHOUSE_REDIRECT_URL: 'https://app.example.com/oauth2/callback',
  GATEHOUSE_COOKIE_SECRET: KEY.toString('base64'),
});
const sealer = createSealer(config.cookie.keys);
const sessionKey = `gatehouse:session:${PREVIOUS.id}`;

before(async () => {
  server = await startRedisServer();
  raw = new Redis({ host: '127.0.0.1', port: server.port });
  store = createRedisStore(redisTestConfig(server.url, { keyPrefix: 'gatehouse:' }), sealer);
});
after(async () => {
  await store?.close();
  raw?.disconnect();
  await server?.stop();
});

const plantPrevious = async (): Promise<void> => {
  await raw.hset(sessionKey, PREVIOUS.hash);
  await raw.pexpire(sessionKey, 3_600_000);
};

test('a session the previous version wrote is read, through its cookie, as it was written', async () => {
  await plantPrevious();
  assert.deepEqual(await store.get(PREVIOUS.id, 60_000), RECORD);
  const ttl = await raw.pttl(sessionKey);
  assert.ok(ttl > 59_000 && ttl <= 60_000, `idle expiry slid: ${ttl}`);
  const sessions = createSessions(config, store, sealer, () => RECORD.createdAt);
  const resolved = await sessions.resolve(`${sessions.cookieName}=${PREVIOUS.cookie}`);
  assert.equal(resolved.state, 'active');
  assert.deepEqual(resolved.state === 'active' && { id: resolved.id, record: resolved.record }, { id: PREVIOUS.id, record: RECORD });
});

test('a refresh keeps it in the layout the previous version reads, and sign-out ends it', async () => {
  await plantPrevious();
  const refreshed = { ...RECORD, refreshedAt: RECORD.createdAt + 1, tokens: { ...RECORD.tokens, accessToken: 'refreshed' } };
  await store.set(PREVIOUS.id, refreshed, 60_000);
  assert.equal(await raw.type(sessionKey), 'hash');
  assert.deepEqual(Object.keys(await raw.hgetall(sessionKey)).sort(), ['data', 'expiresAt', 'tag']);
  const other = createRedisStore(redisTestConfig(server.url, { keyPrefix: 'gatehouse:' }), sealer);
  try {
    assert.deepEqual(await other.get(PREVIOUS.id, 60_000), refreshed);
  } finally {
    await other.close();
  }
  await store.delete(PREVIOUS.id);
  assert.equal(await raw.exists(sessionKey), 0);
});

test('a sign-in from now on makes a session in the compact layout', async () => {
  const sessions = createSessions(config, store, sealer);
  const { id } = await sessions.create(RECORD.identity, RECORD.tokens, undefined);
  assert.equal(id.length, 22);
  assert.equal(await raw.type(`gatehouse:s:${id}`), 'string');
  assert.equal(await raw.exists(`gatehouse:session:${id}`), 0);
});

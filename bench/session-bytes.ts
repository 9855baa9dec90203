/**
 * What one session costs Redis (MEMORY USAGE of its key, mean of a sample), by ID token size and
 * layout: the hash layout earlier versions wrote (still written for their sessions), and the compact
 * layout with the access token kept (an upstream header sends it) or not (the default). The records
 * are the test provider's sign-in and the same with Entra ID-shaped ID tokens of growing size (an
 * RS256 signature and Entra's v2.0 claims: oid, tid, aio, rh, uti, sid …), since the test provider's
 * 767-character ID token is smaller than a typical one (about 1 to 1.5 KB from Entra ID, Okta or
 * Keycloak). Access and refresh tokens stay the test provider's (43 characters each); an Entra ID
 * access token is a JWT of its own, often 2 KB, which the default no longer keeps.
 *
 *   node bench/session-bytes.ts
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisTestConfig } from '../app/test/support/redis-config.ts';
import { TEST_IDP_RECORD_JSON } from '../app/test/support/test-idp-session-record.ts';
import { keptTokens } from '../app/src/session/kept-tokens.ts';
import { createRedisStore } from '../app/src/session/redis-store.ts';
import { createSealer } from '../app/src/session/seal.ts';
import { newSessionId } from '../app/src/session/session-id.ts';
import { recordFromJson } from '../app/src/session/session-record-json.ts';
import type { SessionRecord } from '../app/src/session/session-record.ts';
import { startRedisServer } from '../e2e/support/redis-server.ts';

const SAMPLE = 200;
const PROTOCOL = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'at_hash', 'c_hash', 's_hash', 'jti', 'sid', 'azp', 'auth_time']);
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An Entra ID v2.0-shaped ID token of about `length` characters (its `aio` claim sized to fit), and the record sign-in makes of it. */
function entraShaped(base: SessionRecord, length: number): SessionRecord {
  const payload: Record<string, unknown> = {
    aud: '6cb04018-a3f5-46a7-b995-940c78f5aef3',
    iss: 'https://login.microsoftonline.com/b9419818-09af-49c2-b0c3-653adc1f376e/v2.0',
    iat: 1_800_000_000,
    nbf: 1_800_000_000,
    exp: 1_800_003_600,
    aio: '',
    email: 'AbeLi@contoso.com',
    name: 'Abe Lincoln',
    nonce: 'e2e0c1f4b4c94a6aa1e0c1f4b4c94a6a',
    oid: '00000000-0000-0000-66f3-3332eca7ea81',
    preferred_username: 'AbeLi@contoso.com',
    rh: '0.AS8AGJhBuav0wkmwzGU63B83bhhAsGz1o6dGuZWUDHj1rvMvAGw.',
    sid: '001f5c47-6d3f-4a7e-8a4f-3d2d4b1d0c9a',
    sub: 'HKZpfaHyWadeOouYlitjrI-KffTm222X5rrV3xDqfKQ',
    tid: 'b9419818-09af-49c2-b0c3-653adc1f376e',
    uti: 'fqiBqXLPj0eQa82S-IYFAA',
    ver: '2.0',
  };
  const header = b64({ typ: 'JWT', alg: 'RS256', kid: '1LTMzakihiRla_8z2BEJVXeWMqo' });
  const signature = randomBytes(256).toString('base64url');
  const tokenOf = (): string => `${header}.${b64(payload)}.${signature}`;
  // Smaller tokens leave out claims Entra ID sends only in some tenants; larger ones carry a longer aio.
  for (const optional of ['rh', 'uti', 'tid', 'oid', 'aio']) if (tokenOf().length > length) delete payload[optional];
  const pad = Math.max(0, Math.round(((length - tokenOf().length) * 3) / 4) - 8);
  if (pad > 0) payload.aio = randomBytes(pad).toString('base64').slice(0, pad);
  const idToken = tokenOf();
  const claims = Object.fromEntries(Object.entries(payload).filter(([name]) => !PROTOCOL.has(name)));
  const identity = { sub: String(payload.sub), user: String(payload.preferred_username), email: String(payload.email), groups: [], preferredUsername: String(payload.preferred_username), name: String(payload.name), dn: undefined, claims };
  return { ...base, sid: String(payload.sid), identity, tokens: { ...base.tokens, idToken } };
}

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const raw = new Redis({ host: '127.0.0.1', port: redis.port });
  const config = redisTestConfig(redis.url);
  const store = createRedisStore(config, createSealer([randomBytes(32)]));
  try {
    const base = recordFromJson(TEST_IDP_RECORD_JSON) as SessionRecord;
    const cases: Array<[string, SessionRecord]> = [['the test provider (767)', base]];
    for (const length of [1000, 1200, 1300, 1400, 1500, 1600]) {
      const record = entraShaped(base, length);
      cases.push([`Entra ID-shaped (${record.tokens.idToken.length})`, record]);
    }
    /** Mean MEMORY USAGE of SAMPLE sessions like `record` under ids from `newId`. */
    const bytes = async (record: SessionRecord, newId: () => string, key: (id: string) => string): Promise<number> => {
      let sum = 0;
      for (let i = 0; i < SAMPLE; i++) {
        const id = newId();
        const now = Date.now();
        await store.set(id, { ...record, createdAt: now, expiresAt: now + 86_400_000 }, 3_600_000);
        sum += Number(await raw.call('MEMORY', 'USAGE', key(id), 'SAMPLES', '0'));
      }
      return Math.round(sum / SAMPLE);
    };
    const legacyId = (): string => randomBytes(24).toString('base64url');
    const lines = [
      '| ID token (characters) | hash layout (earlier versions) | compact, access token kept | compact (default: no access token) |',
      '|---|---:|---:|---:|',
    ];
    for (const [name, record] of cases) {
      const hash = await bytes(record, legacyId, (id) => `${config.keyPrefix}session:${id}`);
      const kept = await bytes(record, newSessionId, (id) => `${config.keyPrefix}s:${id}`);
      const lean = await bytes({ ...record, tokens: keptTokens(record.tokens, false) }, newSessionId, (id) => `${config.keyPrefix}s:${id}`);
      lines.push(`| ${name} | ${hash.toLocaleString('en-US')} | ${kept.toLocaleString('en-US')} | ${lean.toLocaleString('en-US')} |`);
    }
    process.stdout.write(`Redis bytes per session key (MEMORY USAGE, mean of ${SAMPLE}; redis-server ${await redisVersion(raw)}):\n\n${lines.join('\n')}\n`);
  } finally {
    await store.close();
    raw.disconnect();
    await redis.stop();
  }
}

async function redisVersion(raw: Redis): Promise<string> {
  return /redis_version:(\S+)/.exec(await raw.info('server'))?.[1] ?? '?';
}

await main();

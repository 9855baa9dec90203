/**
 * What the Redis store makes of values it did not write: whatever a session key holds (garbage,
 * a value sealed for another key, a record of another shape sealed with the right key, the wrong
 * Redis type), reading it never throws anything but StoreUnavailableError and never yields a
 * session that is not well formed.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServerHandle } from '../../../e2e/support/redis-server.ts';
import { redisTestConfig } from '../../test/support/redis-config.ts';
import { createRedisStore } from './redis-store.ts';
import { createSealer } from './seal.ts';
import { isSessionRecord, recordToJson } from './session-record-json.ts';
import { encodeRecord } from './session-record-compact.ts';
import { newSessionId } from './session-id.ts';
import { legacySessionId, sampleRecord } from './store.contract.ts';
import { StoreUnavailableError, type SessionStore } from './store.ts';

const sealer = createSealer([randomBytes(32)]);
let server: RedisServerHandle;
let raw: Redis;
let store: SessionStore;
let prefix: string;

before(async () => {
  server = await startRedisServer();
  raw = new Redis({ host: '127.0.0.1', port: server.port });
  const config = redisTestConfig(server.url);
  prefix = config.keyPrefix;
  store = createRedisStore(config, sealer);
});
after(async () => {
  await store?.close();
  raw?.disconnect();
  await server?.stop();
});

/** JSON texts near a real record: fields dropped or retyped, other versions, arbitrary JSON. */
const recordish = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc
    .tuple(fc.constantFrom('identity', 'tokens', 'version', 'createdAt', 'expiresAt', 'identity.groups', 'identity.user', 'tokens.idToken'), fc.jsonValue({ maxDepth: 1 }))
    .map(([path, value]) => {
      const json = JSON.parse(recordToJson(sampleRecord(Date.now()))) as Record<string, Record<string, unknown>>;
      const [first, second] = path.split('.') as [string, string | undefined];
      if (second === undefined) (json as Record<string, unknown>)[first] = value;
      else (json[first] as Record<string, unknown>)[second] = value;
      return JSON.stringify(json);
    }),
);

/** What a session hash may hold, and how. */
const planted = fc.record({
  // 'sealed-here': sealed for this very key; 'sealed-elsewhere': for another key; 'garbage': not sealed.
  data: fc.oneof(
    recordish.map((text) => ({ kind: 'sealed-here' as const, text })),
    recordish.map((text) => ({ kind: 'sealed-elsewhere' as const, text })),
    fc.string({ unit: 'binary', maxLength: 300 }).map((text) => ({ kind: 'garbage' as const, text })),
  ),
  tag: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
  expiresAt: fc.oneof(fc.constant(undefined), fc.constant(String(Date.now() + 3_600_000)), fc.string({ maxLength: 12 }), fc.integer().map(String)),
  shape: fc.constantFrom('hash', 'hash', 'hash', 'string', 'list'),
});

test('property: whatever a session key of the hash layout holds, reading it never throws a non-store error nor yields a malformed session', async () => {
  await fc.assert(
    fc.asyncProperty(planted, async ({ data, tag, expiresAt, shape }) => {
      const id = legacySessionId();
      const key = `${prefix}session:${id}`;
      const purposeKey = data.kind === 'sealed-elsewhere' ? `${prefix}session:other` : key;
      const value = data.kind === 'garbage' ? data.text : sealer.seal(Buffer.from(data.text, 'utf8'), `store:${purposeKey}`);
      if (shape === 'hash') {
        const fields: Record<string, string> = { data: value };
        if (tag !== undefined) fields.tag = tag;
        if (expiresAt !== undefined) fields.expiresAt = expiresAt;
        await raw.hset(key, fields);
      } else if (shape === 'string') {
        await raw.set(key, value);
      } else {
        await raw.rpush(key, value);
      }
      try {
        const read = await store.get(id, 60_000);
        if (read !== undefined) {
          assert.ok(isSessionRecord(read), 'a session came back that is not well formed');
          assert.equal(data.kind, 'sealed-here', 'a value not sealed for this key opened');
        }
      } catch (error) {
        // Only a key of the wrong Redis type is a store failure (answered 5xx, never allowed).
        assert.ok(error instanceof StoreUnavailableError, String(error));
        assert.notEqual(shape, 'hash', String(error));
      } finally {
        await raw.del(key);
      }
    }),
    { seed: 15002, numRuns: 300 },
  );
});

/** Plaintexts near a real record: JSON ones as above, compact encodings damaged at one byte, bytes. */
const compactish = fc.oneof(
  recordish.map((text) => Buffer.from(text, 'utf8')),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, byte]) => {
    const bytes = encodeRecord(sampleRecord(Date.now()));
    bytes[at % bytes.length] = byte;
    return bytes;
  }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.concat([Buffer.of(1), Buffer.from(bytes)])),
);

/** What a compact session key may hold, and how. */
const plantedCompact = fc.record({
  data: fc.oneof(
    compactish.map((plain) => ({ kind: 'sealed-here' as const, plain })),
    compactish.map((plain) => ({ kind: 'sealed-elsewhere' as const, plain })),
    fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: 'garbage' as const, plain: Buffer.from(bytes) })),
  ),
  layout: fc.constantFrom(1, 1, 1, 0, 2),
  expiresAt: fc.oneof(fc.constant(Date.now() + 3_600_000), fc.double(), fc.integer()),
  shape: fc.constantFrom('string', 'string', 'string', 'hash', 'list'),
});

test('property: whatever a session key of the compact layout holds, reading it never throws a non-store error nor yields a malformed session', async () => {
  await fc.assert(
    fc.asyncProperty(plantedCompact, async ({ data, layout, expiresAt, shape }) => {
      const id = newSessionId();
      const key = `${prefix}s:${id}`;
      const purposeKey = data.kind === 'sealed-elsewhere' ? `${prefix}s:other` : key;
      const head = Buffer.alloc(9);
      head[0] = layout;
      head.writeDoubleBE(expiresAt, 1);
      const value = data.kind === 'garbage' ? data.plain : Buffer.concat([head, sealer.sealBytes(data.plain, `store:${purposeKey}`)]);
      if (shape === 'string') await raw.set(key, value);
      else if (shape === 'hash') await raw.hset(key, { data: value });
      else await raw.rpush(key, value);
      try {
        const read = await store.get(id, 60_000);
        if (read !== undefined) {
          assert.ok(isSessionRecord(read), 'a session came back that is not well formed');
          assert.equal(data.kind, 'sealed-here', 'a value not sealed for this key opened');
          assert.equal(layout, 1, 'a value of another layout opened');
        }
      } catch (error) {
        // Only a key of the wrong Redis type is a store failure (answered 5xx, never allowed).
        assert.ok(error instanceof StoreUnavailableError, String(error));
        assert.notEqual(shape, 'string', String(error));
      } finally {
        await raw.del(key);
      }
    }),
    { seed: 15004, numRuns: 300 },
  );
});

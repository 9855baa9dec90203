import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isSessionRecord, recordFromJson, recordToJson } from './session-record-json.ts';
import type { SessionRecord } from './session-record.ts';
import { sampleRecord } from './store.contract.ts';

const FUZZ = { seed: 15001, numRuns: 1500 };

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const time = fc.integer({ min: 0, max: 4_102_444_800_000 });
/** Records as gatehouse writes them: every field present, optional ones sometimes undefined. */
const record: fc.Arbitrary<SessionRecord> = fc.record({
  version: fc.constant(2 as const),
  createdAt: time,
  expiresAt: time,
  refreshedAt: optional(time),
  sid: optional(fc.string()),
  identity: fc.record({
    sub: fc.string(),
    user: fc.string(),
    email: optional(fc.string()),
    groups: fc.array(fc.string(), { maxLength: 4 }),
    preferredUsername: optional(fc.string()),
    name: optional(fc.string()),
    dn: optional(fc.string()),
    // Claims arrive as JSON from the provider, so they are what JSON.parse makes (no -0).
    claims: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown), { maxKeys: 4 }),
  }),
  tokens: fc.record({
    idToken: fc.string(),
    accessToken: optional(fc.string()),
    refreshToken: optional(fc.string()),
    accessTokenExpiresAt: optional(time),
  }),
});

test('property: every record written reads back equal', () => {
  fc.assert(
    fc.property(record, (written) => {
      // structuredClone: fast-check builds null-prototype objects, the parser plain ones.
      assert.deepEqual(recordFromJson(recordToJson(written)), structuredClone(written));
    }),
    FUZZ,
  );
});

/** A written record with one field removed, retyped or nulled: what another version or damage leaves. */
const damaged = fc
  .tuple(
    record,
    fc.constantFrom('version', 'createdAt', 'expiresAt', 'identity', 'tokens', 'identity.sub', 'identity.user', 'identity.groups', 'identity.claims', 'tokens.idToken', 'refreshedAt', 'sid', 'identity.email', 'tokens.accessToken'),
    fc.oneof(fc.constant('delete'), fc.constant(null), fc.constant(1), fc.constant('x'), fc.constant([]), fc.constant({}), fc.constant(true)),
  )
  .map(([written, path, replacement]) => {
    const json = JSON.parse(recordToJson(written)) as Record<string, unknown>;
    const segments = path.split('.');
    const parent = (segments.length === 2 ? json[segments[0] as string] : json) as Record<string, unknown>;
    const key = segments.at(-1) as string;
    if (replacement === 'delete') delete parent[key];
    else parent[key] = replacement;
    return JSON.stringify(json);
  });

test('property: arbitrary or damaged JSON never throws and yields either nothing or a well-formed record', () => {
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.jsonValue().map((v) => JSON.stringify(v)), damaged);
  fc.assert(
    fc.property(text, (input) => {
      const read = recordFromJson(input);
      if (read !== undefined) {
        assert.ok(isSessionRecord(read));
        // Every field a check reads is there with its type.
        assert.equal(typeof read.identity.user, 'string');
        assert.ok(read.identity.groups.every((g) => typeof g === 'string'));
        assert.equal(typeof read.tokens.idToken, 'string');
      }
    }),
    FUZZ,
  );
});

test('counter-examples: version 2 without an identity, or with groups that are not a list, read as no session', () => {
  // Before the field check these came back as records and failed the check that read them.
  assert.equal(recordFromJson('{"version":2}'), undefined);
  const base = JSON.parse(recordToJson(sampleRecord(0))) as Record<string, Record<string, unknown>>;
  assert.equal(recordFromJson(JSON.stringify({ ...base, identity: { ...base.identity, groups: 'admins' } })), undefined);
  assert.equal(recordFromJson(JSON.stringify({ ...base, tokens: null })), undefined);
});

test('a claim named __proto__ stays a claim and never becomes the prototype', () => {
  const written = sampleRecord(0);
  const json = recordToJson(written).replace('"claims":{', '"claims":{"__proto__":{"isAdmin":true},');
  const read = recordFromJson(json);
  assert.ok(read);
  assert.equal(Object.getPrototypeOf(read.identity.claims), Object.prototype);
  assert.equal((read.identity.claims as Record<string, unknown>).isAdmin, undefined);
  assert.deepEqual(Object.getOwnPropertyDescriptor(read.identity.claims, '__proto__')?.value, { isAdmin: true });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { TEST_IDP_RECORD_JSON } from '../../test/support/test-idp-session-record.ts';
import { decodeRecord, encodeRecord } from './session-record-compact.ts';
import { recordFromJson, recordToJson } from './session-record-json.ts';
import type { SessionRecord } from './session-record.ts';
import { sampleRecord } from './store.contract.ts';

const FUZZ = { seed: 15003, numRuns: 1000 };
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
/** An RS256-shaped JWT: a header, `payload`, and a 256-byte signature. */
const jwt = (payload: Record<string, unknown>, signature: Buffer = Buffer.alloc(256, 7)): string =>
  `${b64({ alg: 'RS256', kid: 'k1' })}.${b64(payload)}.${signature.toString('base64url')}`;
const PROTOCOL = { iss: 'https://idp.example', aud: 'gatehouse', exp: 1_900_000_000, iat: 1_800_000_000, nonce: 'n-0S6_WzA2Mj' };

/** A record as sign-in makes it: the claims are the ID token's own less the protocol ones. */
function signedIn(claims: Record<string, unknown>, overrides: Partial<SessionRecord> = {}): SessionRecord {
  const base = sampleRecord(1_800_000_000_000);
  return {
    ...base,
    identity: { ...base.identity, sub: String(claims.sub), user: String(claims.sub), email: claims.email as string | undefined, claims },
    tokens: { ...base.tokens, idToken: jwt({ ...claims, ...PROTOCOL }) },
    ...overrides,
  };
}

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const time = fc.integer({ min: 0, max: 4_102_444_800_000 });
const jsonOf = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
// Claims are what JSON.parse made of the provider's answer: plain objects, no -0.
const claimsArb = fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 }).map((claims) => jsonOf(claims) as Record<string, unknown>);
const tokenArb = fc.oneof(
  fc.string(),
  fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  fc.tuple(claimsArb, fc.uint8Array({ maxLength: 64 })).map(([claims, signature]) => jwt(claims, Buffer.from(signature))),
);
/** Records with every optional property present, undefined or absent, and tokens JWT-shaped or not. */
const recordArb: fc.Arbitrary<SessionRecord> = fc
  .record(
    {
      version: fc.constant(2 as const),
      createdAt: time,
      expiresAt: time,
      refreshedAt: optional(time),
      sid: optional(fc.string()),
      elasticsearchRealm: optional(fc.string()),
      identity: fc.record(
        {
          sub: fc.string(),
          user: fc.string(),
          email: optional(fc.string()),
          groups: fc.array(fc.string(), { maxLength: 4 }),
          preferredUsername: optional(fc.string()),
          name: optional(fc.string()),
          dn: optional(fc.string()),
          provider: optional(fc.string()),
          claims: claimsArb,
        },
        { requiredKeys: ['sub', 'user', 'groups', 'claims'] },
      ),
      tokens: fc.record(
        { idToken: tokenArb, accessToken: optional(tokenArb), refreshToken: optional(tokenArb), accessTokenExpiresAt: optional(time) },
        { requiredKeys: ['idToken'] },
      ),
    },
    { requiredKeys: ['version', 'createdAt', 'expiresAt', 'identity', 'tokens'] },
  )
  // Half of them signed in as sign-in does: claims from the ID token, identity fields equal to claims.
  // fast-check's records have no prototype; the store's are plain objects.
  .map((record) => ({ ...record, identity: { ...record.identity }, tokens: { ...record.tokens } }) as SessionRecord)
  .chain((record) =>
    fc.boolean().map((fromToken) => {
      if (!fromToken) return record;
      const claims = { ...record.identity.claims, sub: record.identity.sub, email: record.identity.email ?? 'e', groups: [...record.identity.groups] };
      // The provider's session id travels in the ID token too.
      const sid = record.sid === undefined ? {} : { sid: record.sid };
      return { ...record, identity: { ...record.identity, email: claims.email, claims }, tokens: { ...record.tokens, idToken: jwt({ ...claims, ...PROTOCOL, ...sid }) } } as SessionRecord;
    }),
  );

test('property: every record reads back exactly as written, its properties present or absent alike', () => {
  let compact = 0;
  fc.assert(
    fc.property(recordArb, (written) => {
      const bytes = encodeRecord(written);
      if (bytes[0] === 1) compact += 1;
      const back = decodeRecord(bytes);
      assert.deepStrictEqual(back, written);
      assert.equal(JSON.stringify(back?.identity.claims), JSON.stringify(written.identity.claims), 'claims keep their order');
    }),
    FUZZ,
  );
  // Only what the compact form cannot carry falls back to JSON (here: -0 and the like, none).
  assert.equal(compact, FUZZ.numRuns, 'every record encoded compact');
});

test('a signed-in record stores its claims and identity once and its JWTs as bytes: well under its JSON', () => {
  const claims = { sub: 'alice', name: 'Alice Admin', preferred_username: 'alice', email: 'alice@example.com', email_verified: true, groups: ['admins', 'devs'] };
  const record = signedIn(claims, { identity: { sub: 'alice', user: 'alice', email: 'alice@example.com', groups: ['admins', 'devs'], preferredUsername: 'alice', name: 'Alice Admin', dn: undefined, claims } });
  const sid = 'c2lkLW9mLXRoZS1wcm92aWRlcg';
  const withSid = { ...record, sid, tokens: { ...record.tokens, idToken: jwt({ ...claims, ...PROTOCOL, sid }) } };
  const bytes = encodeRecord(withSid);
  assert.equal(bytes[0], 1, 'compact');
  // The ID token's payload is kept as its JSON text: each claim is there, and only there.
  const text = bytes.toString('latin1');
  for (const claim of ['Alice Admin', 'alice@example.com', 'admins', 'email_verified', sid]) assert.equal(text.split(claim).length - 1, 1, `${claim} stored more than once`);
  const json = Buffer.byteLength(recordToJson(withSid));
  assert.ok(bytes.length < 0.65 * json, `${bytes.length} bytes against ${json} as JSON`);
  assert.deepStrictEqual(decodeRecord(bytes), withSid);
});

test('claims that are not the ID token\'s own (UserInfo merged, or a later ID token) are stored as they are', () => {
  const claims = { sub: 'alice', email: 'alice@example.com' };
  const merged = signedIn(claims, {});
  const withUserinfo = { ...merged, identity: { ...merged.identity, claims: { ...claims, department: 'R&D' } } };
  const refreshed = { ...merged, tokens: { ...merged.tokens, idToken: jwt({ sub: 'alice', email: 'new@example.com', ...PROTOCOL }) } };
  for (const record of [withUserinfo, refreshed]) {
    const bytes = encodeRecord(record);
    assert.equal(bytes[0], 1);
    assert.deepStrictEqual(decodeRecord(bytes), record);
  }
});

test('a record the compact form cannot carry exactly is written as its JSON and read back', () => {
  const base = sampleRecord(1_800_000_000_000);
  const serviceAccount = { ...base, identity: { ...base.identity, serviceAccount: { namespace: 'ns', name: 'sa', uid: undefined, extra: {} } } };
  const bytes = encodeRecord(serviceAccount);
  assert.equal(bytes.toString('utf8', 0, 1), '{');
  assert.deepStrictEqual(decodeRecord(bytes), recordFromJson(recordToJson(serviceAccount)));
});

test('tokens: a JWT is kept as three quarters of its text, anything else as its text, each exactly', () => {
  const token = jwt({ sub: 'x'.repeat(300) });
  const record = { ...sampleRecord(0), tokens: { idToken: token, accessToken: 'not base64url!', refreshToken: 'pad==', accessTokenExpiresAt: undefined } };
  const bytes = encodeRecord(record);
  assert.deepStrictEqual(decodeRecord(bytes), record);
  const asText = encodeRecord({ ...record, tokens: { ...record.tokens, idToken: `${token}=` } });
  assert.ok(bytes.length < asText.length - token.length / 5, `${bytes.length} against ${asText.length}`);
});

test('reads a record its JSON form holds, as the earlier encoding wrote it', () => {
  const record = sampleRecord(1_800_000_000_000);
  assert.deepStrictEqual(decodeRecord(Buffer.from(recordToJson(record))), record);
});

test('property: damaged or foreign bytes read as no record, never throw', () => {
  const good = encodeRecord(signedIn({ sub: 'alice', email: 'a@example.com' }));
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (garbage, at, byte) => {
      assert.equal(decodeRecord(Buffer.concat([Buffer.of(1), Buffer.from(garbage)])), undefined);
      const damaged = Buffer.from(good);
      damaged[at % damaged.length] = byte;
      const back = decodeRecord(damaged);
      if (back !== undefined) assert.equal(typeof back.identity.sub, 'string');
      assert.equal(decodeRecord(good.subarray(0, at % good.length)), undefined, 'truncated');
    }),
    FUZZ,
  );
});

test('the test provider\'s record of one sign-in: how much smaller than its JSON', () => {
  const record = recordFromJson(TEST_IDP_RECORD_JSON);
  assert.ok(record);
  const bytes = encodeRecord(record);
  assert.equal(bytes[0], 1);
  assert.deepStrictEqual(decodeRecord(bytes), record);
  assert.ok(bytes.length < 0.6 * Buffer.byteLength(recordToJson(record)), `${bytes.length} bytes`);
});

/**
 * The compact encoding of a SessionRecord, what the Redis store seals for sessions in its compact
 * layout (redis-compact-layout.ts). It stores nothing twice and no names:
 *
 *   u8 1          this encoding (a record it cannot carry exactly is written as its JSON,
 *                 session-record-json.ts, which starts with "{" and is read as well)
 *   u16 + bytes   the head: a JSON array of the fields by position, null for undefined, and first
 *                 a bit mask of which optional properties the record has
 *   3 tokens      ID, access and refresh token (token-bytes.ts: a JWT as its decoded segments)
 *
 * The claims, when they are the ID token's own less its protocol claims (as sign-in keeps them),
 * and the provider's session id, when it is the ID token's `sid`, are read from the ID token rather
 * than stored beside it (0 in their place); an identity field equal to a standard claim names that
 * claim by number; times after sign-in are stored as milliseconds since it. Every encoding is decoded
 * again and compared with the record before it is used, so a record reads back exactly as written or
 * is written as JSON.
 */
import { isDeepStrictEqual } from 'node:util';
import { ByteReader } from './byte-reader.ts';
import { isSessionRecord, recordFromJson, recordToJson } from './session-record-json.ts';
import type { SessionRecord } from './session-record.ts';
import { readToken, tokenToBytes, type SegmentRange } from './token-bytes.ts';

const COMPACT = 1;
const JSON_START = 0x7b;

// Part of the encoding: what an ID token holds beyond the claims kept with a session. Not the
// sign-in's own list (identity-from-claims.ts): a record is read by this list whatever that becomes.
const PROTOCOL_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'at_hash', 'c_hash', 's_hash', 'jti', 'sid', 'azp', 'auth_time']);
const FROM_ID_TOKEN = 0;
// The claims an identity field may name instead of repeating its value (index = the number stored).
const CLAIM_REFS = ['sub', 'preferred_username', 'email', 'name', 'groups', 'upn', 'unique_name'] as const;

// The properties that may be absent: bit i of the mask says whether OPTIONAL[i] is there.
const OPTIONAL = ['refreshedAt', 'sid', 'elasticsearchRealm', 'email', 'preferredUsername', 'name', 'dn', 'provider', 'accessToken', 'refreshToken', 'accessTokenExpiresAt'] as const;
type OptionalName = (typeof OPTIONAL)[number];
const BIT = Object.fromEntries(OPTIONAL.map((name, i) => [name, 1 << i])) as Record<OptionalName, number>;
const IDENTITY_REFERABLE = ['sub', 'user', 'email', 'groups', 'preferredUsername', 'name', 'dn'] as const;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** An ID token's payload as JSON text parses to: an object, or undefined for anything else. */
function parsePayload(text: string): Record<string, unknown> | undefined {
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

/** The claims of a parsed payload less the protocol ones, in the token's order. */
function claimsOfPayload(all: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  // JSON.parse makes own properties only, so for…in sees exactly them, without an entries array.
  for (const name in all) {
    if (PROTOCOL_CLAIMS.has(name)) continue;
    // Defined, not assigned: a "__proto__" claim stays a claim rather than becoming the prototype.
    if (name === '__proto__') Object.defineProperty(claims, name, { value: all[name], enumerable: true, writable: true, configurable: true });
    else claims[name] = all[name];
  }
  return claims;
}

function payloadOf(idToken: string): string | undefined {
  const parts = idToken.split('.');
  if (parts.length !== 3) return undefined;
  try {
    return Buffer.from(parts[1] as string, 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
}

/** An identity field's value, or the number of the claim that holds the same. */
function referable(value: unknown, claims: Readonly<Record<string, unknown>>): Json {
  if (value === undefined) return null;
  const ref = CLAIM_REFS.findIndex((name) => Object.hasOwn(claims, name) && isDeepStrictEqual(claims[name], value));
  return ref >= 0 ? ref : (value as Json);
}

function compact(record: SessionRecord): Buffer {
  const { identity, tokens } = record;
  const present = (name: OptionalName, holder: object): number => (Object.hasOwn(holder, name) ? BIT[name] : 0);
  const mask =
    present('refreshedAt', record) | present('sid', record) | present('elasticsearchRealm', record) |
    present('email', identity) | present('preferredUsername', identity) | present('name', identity) | present('dn', identity) | present('provider', identity) |
    present('accessToken', tokens) | present('refreshToken', tokens) | present('accessTokenExpiresAt', tokens);
  const text = payloadOf(tokens.idToken);
  const payload = text === undefined ? undefined : safely(() => parsePayload(text));
  const derived = payload === undefined ? undefined : claimsOfPayload(payload);
  const claimsFromToken = derived !== undefined && isDeepStrictEqual(derived, identity.claims) && JSON.stringify(derived) === JSON.stringify(identity.claims);
  const sinceSignIn = (time: number | undefined): Json => (time === undefined ? null : time - record.createdAt);
  const head: Json[] = [
    mask,
    record.createdAt,
    sinceSignIn(record.expiresAt),
    sinceSignIn(record.refreshedAt),
    record.sid !== undefined && record.sid === payload?.sid ? FROM_ID_TOKEN : (record.sid ?? null),
    record.elasticsearchRealm ?? null,
    sinceSignIn(tokens.accessTokenExpiresAt),
    ...IDENTITY_REFERABLE.map((field) => referable(identity[field], identity.claims)),
    identity.provider ?? null,
    claimsFromToken ? FROM_ID_TOKEN : (identity.claims as Json),
  ];
  const headBytes = Buffer.from(JSON.stringify(head), 'utf8');
  const start = Buffer.alloc(3);
  start[0] = COMPACT;
  start.writeUInt16BE(headBytes.length, 1);
  return Buffer.concat([start, headBytes, tokenToBytes(tokens.idToken), tokenToBytes(tokens.accessToken), tokenToBytes(tokens.refreshToken)]);
}

function safely<T>(make: () => T): T | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

/** The bytes that carry `record`: compact when it reads back exactly, its JSON otherwise. */
export function encodeRecord(record: SessionRecord): Buffer {
  const bytes = record.identity.claims && record.tokens ? safely(() => compact(record)) : undefined;
  if (bytes !== undefined && bytes.length <= 0xffff + 3) {
    const back = decodeRecord(bytes);
    if (back !== undefined && isDeepStrictEqual(back, record) && JSON.stringify(back.identity.claims) === JSON.stringify(record.identity.claims)) return bytes;
  }
  return Buffer.from(recordToJson(record), 'utf8');
}

const orUndefined = (value: unknown): unknown => (value === null ? undefined : value);

/** Reads what {@link encodeRecord} wrote (either form); undefined for anything else. */
export function decodeRecord(bytes: Buffer): SessionRecord | undefined {
  if (bytes[0] === JSON_START) return recordFromJson(bytes.toString('utf8'));
  if (bytes[0] !== COMPACT) return undefined;
  try {
    return decodeCompact(new ByteReader(bytes, 1));
  } catch {
    return undefined;
  }
}

// Places in the head.
const MASK = 0;
const CREATED = 1;
const EXPIRES = 2;
const REFRESHED = 3;
const SID = 4;
const REALM = 5;
const TOKEN_EXPIRES = 6;
const FIRST_IDENTITY = 7;
const PROVIDER = FIRST_IDENTITY + IDENTITY_REFERABLE.length;
const CLAIMS = PROVIDER + 1;
const HEAD_LENGTH = CLAIMS + 1;

/** Identity field `i` of the head: its value, or a copy of the claim it names. */
function identityField(head: readonly unknown[], i: number, claims: Readonly<Record<string, unknown>>): unknown {
  const value = head[FIRST_IDENTITY + i];
  if (typeof value !== 'number') return orUndefined(value);
  const claim = claims[CLAIM_REFS[value] as string];
  return Array.isArray(claim) ? [...claim] : claim;
}

// Written out field by field rather than through a table: this runs on every check that is not
// answered from a local copy.
function decodeCompact(reader: ByteReader): SessionRecord | undefined {
  const head: unknown = JSON.parse(reader.text(reader.u16()));
  if (!Array.isArray(head) || head.length !== HEAD_LENGTH) return undefined;
  const payload: SegmentRange = { start: 0, end: 0 };
  const idToken = readToken(reader, payload);
  const accessToken = readToken(reader);
  const refreshToken = readToken(reader);
  const mask: unknown = head[MASK];
  if (!reader.done() || idToken === undefined || typeof mask !== 'number') return undefined;
  const stored: unknown = head[CLAIMS];
  const storedSid: unknown = head[SID];
  // Parsed only when something is read from it.
  const token = stored === FROM_ID_TOKEN || storedSid === FROM_ID_TOKEN ? (payload.end > 0 ? parsePayload(reader.buffer.toString('utf8', payload.start, payload.end)) : undefined) : undefined;
  const claims = stored === FROM_ID_TOKEN ? token && claimsOfPayload(token) : stored;
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return undefined;
  const createdAt: unknown = head[CREATED];
  if (typeof createdAt !== 'number') return undefined;
  const afterSignIn = (i: number): number | undefined => {
    const since = head[i];
    return typeof since === 'number' ? createdAt + since : undefined;
  };
  const known = claims as Readonly<Record<string, unknown>>;
  const identity: Record<string, unknown> = { sub: identityField(head, 0, known), user: identityField(head, 1, known) };
  if ((mask & BIT.email) !== 0) identity.email = identityField(head, 2, known);
  identity.groups = identityField(head, 3, known);
  if ((mask & BIT.preferredUsername) !== 0) identity.preferredUsername = identityField(head, 4, known);
  if ((mask & BIT.name) !== 0) identity.name = identityField(head, 5, known);
  if ((mask & BIT.dn) !== 0) identity.dn = identityField(head, 6, known);
  if ((mask & BIT.provider) !== 0) identity.provider = orUndefined(head[PROVIDER]);
  identity.claims = claims;
  const tokens: Record<string, unknown> = { idToken };
  if ((mask & BIT.accessToken) !== 0) tokens.accessToken = accessToken;
  if ((mask & BIT.refreshToken) !== 0) tokens.refreshToken = refreshToken;
  if ((mask & BIT.accessTokenExpiresAt) !== 0) tokens.accessTokenExpiresAt = afterSignIn(TOKEN_EXPIRES);
  const record: Record<string, unknown> = { version: 2, createdAt, expiresAt: afterSignIn(EXPIRES) };
  if ((mask & BIT.refreshedAt) !== 0) record.refreshedAt = afterSignIn(REFRESHED);
  if ((mask & BIT.sid) !== 0) record.sid = storedSid === FROM_ID_TOKEN ? token?.sid : orUndefined(storedSid);
  record.identity = identity;
  record.tokens = tokens;
  if ((mask & BIT.elasticsearchRealm) !== 0) {
    const realm = orUndefined(head[REALM]);
    if (realm !== undefined && typeof realm !== 'string') return undefined;
    record.elasticsearchRealm = realm;
  }
  return isSessionRecord(record) ? record : undefined;
}

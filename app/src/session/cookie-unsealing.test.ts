/**
 * Properties of the path from a Cookie header to a session: reading cookies by hand, unsealing
 * with the rotating keys, the cache of unsealed values. Whatever the header holds, resolving it
 * never throws, and a session is active only when the header carries, under the session cookie's
 * exact name, the very value sealed for that session: its bytes in their one base64url text (a text
 * that decodes to them all the same, a character appended or unused bits set, is not it).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadConfig } from '../config/load-config.ts';
import { readCookies } from '../http/cookies.ts';
import { createMemoryStore } from './memory-store.ts';
import { createSealer } from './seal.ts';
import { createSealedIdCache } from './sealed-id-cache.ts';
import type { Identity } from './session-record.ts';
import { createSessions } from './sessions.ts';

const FUZZ = { seed: 15003, numRuns: 1500 };
const KEY = randomBytes(32);
const config = loadConfig({
  GATEHOUSE_OIDC_ISSUER_URL: 'https://login.example.com',
  GATEHOUSE_OIDC_CLIENT_ID: 'gatehouse',
  GATEHOUSE_OIDC_CLIENT_SECRET: 's',
  GATEHOUSE_REDIRECT_URL: 'https://app.example.com/oauth2/callback',
  GATEHOUSE_COOKIE_SECRET: KEY.toString('base64'),
});
const NAME = config.cookie.name;
const identity = (sub: string): Identity => ({ sub, user: sub, email: undefined, groups: [], preferredUsername: undefined, name: undefined, dn: undefined, claims: {} });
const tokens = { idToken: 'id', accessToken: undefined, refreshToken: undefined, accessTokenExpiresAt: undefined };
const valueOf = (setCookie: string): string => (setCookie.split(';')[0] ?? '').slice(NAME.length + 1);

/** Changes one base64url character, cuts the value short, or adds to it. */
function mutate(value: string, at: number, how: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const i = at % value.length;
  if (how % 4 === 0) return value.slice(0, i) + alphabet[(alphabet.indexOf(value[i] as string) + 1 + (how % 63)) % 64] + value.slice(i + 1);
  if (how % 4 === 1) return value.slice(0, i);
  if (how % 4 === 2) return value + alphabet[how % 64];
  return value.slice(0, i) + value.slice(i + 1);
}

test('property: no Cookie header throws, and only the genuine sealed value of a live session is active', async () => {
  const sealer = createSealer([KEY]);
  const store = createMemoryStore({ maxEntries: 100 });
  const sessions = createSessions(config, store, sealer);
  const live = await sessions.create(identity('alice'), tokens, undefined);
  const ended = await sessions.create(identity('bob'), tokens, undefined);
  await sessions.end(ended.id);
  const liveValue = valueOf(live.setCookie);
  const liveBytes = Buffer.from(liveValue, 'base64url');
  const otherKey = createSealer([randomBytes(32)]);

  const cookieValue = fc.oneof(
    { arbitrary: fc.constant(liveValue), weight: 4 },
    fc.constant(valueOf(ended.setCookie)),
    fc.tuple(fc.nat(), fc.nat()).map(([at, how]) => mutate(liveValue, at, how)),
    // The right key but another purpose, or another key with the right purpose: a replayed or forged value.
    fc.constant(sealer.seal(Buffer.from(live.id), 'login')),
    fc.constant(otherKey.seal(Buffer.from(live.id), 'session')),
    fc.string({ unit: 'binary', maxLength: 120 }),
    fc.base64String({ maxLength: 120 }),
  );
  const name = fc.oneof({ arbitrary: fc.constant(NAME), weight: 4 }, fc.constant(` ${NAME} `), fc.constant(NAME.toLowerCase()), fc.constant(`${NAME}x`), fc.constant(`x${NAME}`), fc.string({ maxLength: 10 }));
  const pair = fc.oneof(
    fc.tuple(name, cookieValue).map(([n, v]) => `${n}=${v}`),
    fc.string({ unit: 'binary', maxLength: 30 }),
  );
  const header = fc.oneof(
    fc.array(pair, { maxLength: 5 }).chain((pairs) => fc.constantFrom(';', '; ', ' ;', ';;').map((sep) => pairs.join(sep))),
    fc.string({ unit: 'binary', maxLength: 200 }),
  );

  let actives = 0;
  await fc.assert(
    fc.asyncProperty(header, async (cookieHeader) => {
      const resolved = await sessions.resolve(cookieHeader);
      if (resolved.state === 'active') actives += 1;
      const genuine = readCookies(cookieHeader, NAME).some((v) => /^[\w-]+$/.test(v) && Buffer.from(v, 'base64url').equals(liveBytes) && v === liveBytes.toString('base64url'));
      assert.equal(resolved.state === 'active', genuine, JSON.stringify(cookieHeader));
      if (resolved.state === 'active') assert.equal(resolved.id, live.id);
    }),
    FUZZ,
  );
  assert.ok(actives > 100, `only ${actives} headers held the live session: the generator misses the case that matters`);

  // After a rotation that drops the old key, the cached unseal of the genuine value no longer counts.
  assert.equal((await sessions.resolve(`${NAME}=${liveValue}`)).state, 'active');
  sealer.setKeys([randomBytes(32)]);
  assert.equal((await sessions.resolve(`${NAME}=${liveValue}`)).state, 'invalid');
  await store.close();
});

test('property: readCookies never throws and returns exactly the values of pairs named so, in order', () => {
  const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,8}$/);
  const value = fc.stringMatching(/^[^;]{0,12}$/).map((v) => v.trim());
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.oneof(token, fc.constant('gh')), value), { maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 60 }), (pairs, junk) => {
      const header = pairs.map(([n, v]) => `${n}=${v}`).join('; ');
      assert.deepEqual(readCookies(header, 'gh'), pairs.filter(([n]) => n === 'gh').map(([, v]) => v));
      for (const found of readCookies(junk, 'gh')) assert.ok(!found.includes(';'));
    }),
    FUZZ,
  );
});

test('property: the sealed-id cache answers only what was put under that exact value, and stays bounded', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 })), { maxLength: 40 }), fc.string({ maxLength: 6 }), (entries, probe) => {
      const cache = createSealedIdCache(8);
      const model = new Map<string, string>();
      for (const [sealed, id] of entries) {
        if (model.size >= 8) model.clear();
        model.set(sealed, id);
        cache.set(sealed, id);
      }
      assert.equal(cache.get(probe), model.get(probe));
      for (const [sealed, id] of model) assert.equal(cache.get(sealed), id);
    }),
    FUZZ,
  );
});

/**
 * The contract suite every SessionStore passes. A store's test file calls
 * `runSessionStoreContract` with a factory; the factory gets a controllable clock where the
 * store supports one, and stores that keep time themselves (Redis) use short real waits.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { newSessionId } from './session-id.ts';
import type { SessionRecord } from './session-record.ts';
import type { SessionStore } from './store.ts';

/** How the contract drives a store under test. */
export interface StoreHarness {
  readonly store: SessionStore;
  /** Moves the store's notion of time forward by `ms` (a fake clock, or a real wait). */
  advance(ms: number): Promise<void>;
}

/** A record for tests, expiring `lifetimeMs` after `now`. */
export function sampleRecord(now: number, lifetimeMs = 3_600_000, sub = 'alice'): SessionRecord {
  return {
    version: 2,
    createdAt: now,
    expiresAt: now + lifetimeMs,
    sid: `sid-${sub}`,
    identity: {
      sub,
      user: sub,
      email: `${sub}@example.com`,
      groups: ['devs'],
      preferredUsername: sub,
      name: undefined,
      dn: undefined,
      claims: { department: 'R&D', nested: { roles: ['a', 'b'] } },
    },
    tokens: { idToken: 'id.token.value', accessToken: 'at', refreshToken: 'rt', accessTokenExpiresAt: now + 300_000 },
  };
}

/** A session id as versions before the compact Redis layout made them (24 random bytes, 32 characters). */
export const legacySessionId = (): string => randomBytes(24).toString('base64url');

/**
 * Registers the contract tests.
 * @param name - shown in the test names
 * @param makeHarness - builds a fresh store for each test; `unit` is the smallest time step (ms) the store resolves
 * @param newId - makes the session ids (and other keys) the tests use: the ids sign-in makes, unless given
 */
export function runSessionStoreContract(
  name: string,
  makeHarness: () => Promise<StoreHarness>,
  unit = 1000,
  newId: () => string = newSessionId,
): void {
  describe(`SessionStore contract: ${name}`, () => {
    const harnesses: StoreHarness[] = [];
    const fresh = async (): Promise<StoreHarness> => {
      const harness = await makeHarness();
      harnesses.push(harness);
      return harness;
    };
    after(async () => {
      for (const harness of harnesses) await harness.store.close();
    });

    it('returns what was set, and undefined for an unknown id', async () => {
      const { store } = await fresh();
      const id = newId();
      const record = sampleRecord(Date.now());
      await store.set(id, record, 60 * unit);
      assert.deepEqual(await store.get(id, 60 * unit), record);
      assert.equal(await store.get(newId(), 60 * unit), undefined);
    });

    it('deletes, and deleting a missing id is fine', async () => {
      const { store } = await fresh();
      const id = newId();
      await store.set(id, sampleRecord(Date.now()), 60 * unit);
      await store.delete(id);
      await store.delete(id);
      assert.equal(await store.get(id, 60 * unit), undefined);
    });

    it('expires an idle session, and each read slides the idle expiry', async () => {
      const { store, advance } = await fresh();
      const idle = 2 * unit;
      const slid = newId();
      const left = newId();
      await store.set(slid, sampleRecord(Date.now()), idle);
      await store.set(left, sampleRecord(Date.now()), idle);
      await advance(1.2 * unit);
      assert.ok(await store.get(slid, idle), 'read within the idle window');
      await advance(1.2 * unit);
      assert.ok(await store.get(slid, idle), 'the read above slid the expiry');
      assert.equal(await store.get(left, idle), undefined, 'the session never read again expired');
    });

    it('never returns a session past its absolute expiry, however active', async () => {
      const { store, advance } = await fresh();
      const id = newId();
      await store.set(id, sampleRecord(Date.now(), 1.5 * unit), 10 * unit);
      assert.ok(await store.get(id, 10 * unit));
      await advance(2 * unit);
      assert.equal(await store.get(id, 10 * unit), undefined);
    });

    it('gives a once-value to exactly one taker', async () => {
      const { store } = await fresh();
      const key = newId();
      await store.putOnce(key, 'payload', 60 * unit);
      const takes = await Promise.all([store.takeOnce(key), store.takeOnce(key), store.takeOnce(key)]);
      assert.deepEqual(takes.filter((v) => v !== undefined), ['payload']);
      assert.equal(await store.takeOnce(newId()), undefined);
    });

    it('expires an untaken once-value', async () => {
      const { store, advance } = await fresh();
      const key = newId();
      await store.putOnce(key, 'payload', unit);
      await advance(1.5 * unit);
      assert.equal(await store.takeOnce(key), undefined);
    });

    it('claims a key once until it expires (replay detection)', async () => {
      const { store, advance } = await fresh();
      const key = newId();
      const firsts = await Promise.all([store.claim(key, unit), store.claim(key, unit), store.claim(key, unit)]);
      assert.deepEqual(firsts.filter(Boolean), [true]);
      await advance(1.5 * unit);
      assert.equal(await store.claim(key, unit), true, 'claimable again after expiry');
    });

    it('keeps index sets and hands them over once', async () => {
      const { store } = await fresh();
      const index = `sub:${newId()}`;
      await store.addToIndex(index, 'a', 60 * unit);
      await store.addToIndex(index, 'b', 60 * unit);
      await store.addToIndex(index, 'a', 60 * unit);
      assert.deepEqual((await store.takeIndex(index)).sort(), ['a', 'b']);
      assert.deepEqual(await store.takeIndex(index), []);
    });

    it('keeps an index at least as long as its longest-lived addition asks', async () => {
      const { store, advance } = await fresh();
      const index = `sid:${newId()}`;
      await store.addToIndex(index, 'a', 3 * unit);
      await store.addToIndex(index, 'b', unit);
      await advance(1.5 * unit);
      assert.deepEqual((await store.takeIndex(index)).sort(), ['a', 'b'], 'a shorter ttl did not cut the set short');
    });

    it('replaces a session on a second set', async () => {
      const { store } = await fresh();
      const id = newId();
      await store.set(id, sampleRecord(Date.now(), 3_600_000, 'first'), 60 * unit);
      const second = sampleRecord(Date.now(), 3_600_000, 'second');
      await store.set(id, second, 60 * unit);
      assert.deepEqual(await store.get(id, 60 * unit), second);
    });

    it('gives a lock to one holder, releases it only for its token, and expires it', async () => {
      const { store, advance } = await fresh();
      const key = `lock:${newId()}`;
      const tokens = await Promise.all([store.lock(key, unit), store.lock(key, unit), store.lock(key, unit)]);
      const held = tokens.filter((t): t is string => t !== undefined);
      assert.equal(held.length, 1);
      await store.unlock(key, 'not-the-token');
      assert.equal(await store.lock(key, unit), undefined, 'a wrong token does not release');
      await store.unlock(key, held[0] as string);
      const again = await store.lock(key, unit);
      assert.ok(again, 'released by its holder');
      await advance(1.5 * unit);
      assert.ok(await store.lock(key, unit), 'expired lock is free');
    });

    it('answers ping when healthy', async () => {
      const { store } = await fresh();
      await store.ping();
    });
  });
}

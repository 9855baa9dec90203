/**
 * The contract suite every CredentialCache passes. A cache's test file calls
 * `runCredentialCacheContract` with a factory; caches with a controllable clock move it, Redis
 * waits for real (short, bounded waits; nothing asserts how long anything took).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { CredentialCache } from './credential-cache.ts';

/** How the contract drives a cache under test. */
export interface CredentialCacheHarness {
  readonly cache: CredentialCache;
  /** Moves the cache's notion of time forward by `ms` (a fake clock, or a real wait). */
  advance(ms: number): Promise<void>;
}

const newKey = (): string => `user-${randomBytes(6).toString('hex')}`;

/**
 * Registers the contract tests.
 * @param unit - the smallest time step (ms) the cache resolves reliably
 */
export function runCredentialCacheContract(name: string, makeHarness: () => Promise<CredentialCacheHarness>, unit = 1000): void {
  describe(`CredentialCache contract: ${name}`, () => {
    it('returns what was set, undefined for an unknown key, and the last value set', async () => {
      const { cache } = await makeHarness();
      const key = newKey();
      assert.equal(await cache.get(key), undefined);
      await cache.set(key, 'first', 60 * unit);
      assert.equal(await cache.get(key), 'first');
      await cache.set(key, 'second', 60 * unit);
      assert.equal(await cache.get(key), 'second');
    });

    it('deletes, and deleting a missing key is fine', async () => {
      const { cache } = await makeHarness();
      const key = newKey();
      await cache.set(key, 'value', 60 * unit);
      await cache.delete(key);
      await cache.delete(key);
      assert.equal(await cache.get(key), undefined);
    });

    it('forgets a value after its ttl', async () => {
      const { cache, advance } = await makeHarness();
      const key = newKey();
      await cache.set(key, 'short', unit);
      await cache.set(`${key}-long`, 'long', 10 * unit);
      await advance(2 * unit);
      assert.equal(await cache.get(key), undefined);
      assert.equal(await cache.get(`${key}-long`), 'long');
    });

    it('keeps values and locks apart', async () => {
      const { cache } = await makeHarness();
      const key = newKey();
      await cache.set(key, 'value', 60 * unit);
      const token = await cache.lock(key, 60 * unit);
      assert.ok(token);
      assert.equal(await cache.get(key), 'value');
      await cache.unlock(key, token);
      assert.equal(await cache.get(key), 'value');
    });

    it('gives a lock to one holder, releases it only for its token, and expires it', async () => {
      const { cache, advance } = await makeHarness();
      const key = newKey();
      const tokens = await Promise.all(Array.from({ length: 5 }, () => cache.lock(key, unit)));
      const held = tokens.filter((t): t is string => t !== undefined);
      assert.equal(held.length, 1);
      await cache.unlock(key, 'not-the-token');
      assert.equal(await cache.lock(key, unit), undefined, 'a wrong token does not release');
      await cache.unlock(key, held[0] as string);
      assert.ok(await cache.lock(key, unit), 'released by its holder');
      await advance(2 * unit);
      assert.ok(await cache.lock(key, unit), 'an expired lock is free');
    });

    it('keeps keys apart, whatever characters they hold', async () => {
      const { cache } = await makeHarness();
      const base = newKey();
      const keys = [`${base}:a`, `${base}%3Aa`, `${base} a`, `${base}:a:b`];
      for (const [i, key] of keys.entries()) await cache.set(key, `v${i}`, 60 * unit);
      for (const [i, key] of keys.entries()) assert.equal(await cache.get(key), `v${i}`);
    });
  });
}

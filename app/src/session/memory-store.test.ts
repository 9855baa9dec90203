import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMemoryStore } from './memory-store.ts';
import { runSessionStoreContract, sampleRecord } from './store.contract.ts';

runSessionStoreContract('memory', async () => {
  let clock = Date.now();
  const store = createMemoryStore({ maxEntries: 100, now: () => clock });
  return { store, advance: async (ms) => void (clock += ms) };
});

test('memory store drops the least recently used session beyond its bound', async () => {
  const store = createMemoryStore({ maxEntries: 2 });
  const record = sampleRecord(Date.now());
  await store.set('a', record, 60_000);
  await store.set('b', record, 60_000);
  await store.get('a', 60_000);
  await store.set('c', record, 60_000);
  assert.ok(await store.get('a', 60_000), 'recently read session kept');
  assert.equal(await store.get('b', 60_000), undefined, 'least recently used session dropped');
  assert.equal(store.count(), 2);
  await store.close();
});

test('memory store holds at most maxOnceValues one-time values, dropping the oldest', async () => {
  const store = createMemoryStore({ maxEntries: 100_000, maxOnceValues: 3 });
  for (let i = 0; i < 1_000; i++) await store.putOnce(`login:${i}`, '1', 60_000);
  const kept = [];
  for (let i = 0; i < 1_000; i++) if ((await store.takeOnce(`login:${i}`)) !== undefined) kept.push(i);
  assert.deepEqual(kept, [997, 998, 999]);
  await store.close();
});

test('memory store reads in the same turn, and a read keeps a session used however often it is read in a row', async () => {
  const store = createMemoryStore({ maxEntries: 2 });
  const record = sampleRecord(Date.now());
  await store.set('a', record, 60_000);
  await store.set('b', record, 60_000);
  const read = store.read?.('a', 60_000);
  assert.ok(read !== undefined && !(read instanceof Promise), 'no promise');
  assert.equal(read, record);
  for (let i = 0; i < 3; i++) store.read?.('a', 60_000);
  await store.set('c', record, 60_000);
  assert.ok(store.read?.('a', 60_000), 'a, read last, kept');
  assert.equal(store.read?.('b', 60_000), undefined, 'b dropped');
  await store.set('b', record, 60_000);
  await store.delete('b');
  await store.set('d', record, 60_000);
  store.read?.('a', 60_000);
  await store.set('e', record, 60_000);
  assert.ok(store.read?.('a', 60_000), 'a, read after d, kept');
  assert.equal(store.read?.('d', 60_000), undefined, 'd dropped');
  await store.close();
});

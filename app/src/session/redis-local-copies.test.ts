import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLocalCopies } from './redis-local-copies.ts';
import { sampleRecord } from './store.contract.ts';

const record = sampleRecord(0);

test('a session is kept from its second read on; its first only notes the id', () => {
  const copies = createLocalCopies(10, () => 0);
  copies.offer('a', 't1', record);
  assert.equal(copies.get('a'), undefined, 'read once: not kept');
  copies.offer('a', 't1', record);
  assert.equal(copies.get('a')?.record, record, 'read again: kept');
  copies.offer('a', 't2', record);
  assert.equal(copies.get('a')?.tag, 't2', 'a newer version of a kept session replaces it at once');
  copies.forget('a');
  assert.equal(copies.get('a'), undefined);
});

test('at most `limit` copies and twice as many noted ids, each dropped all at once when full', () => {
  const copies = createLocalCopies(3, () => 0);
  for (const id of ['a', 'b', 'c']) {
    copies.offer(id, 't', record);
    copies.offer(id, 't', record);
  }
  assert.deepEqual(['a', 'b', 'c'].map((id) => copies.get(id) !== undefined), [true, true, true]);
  copies.offer('d', 't', record);
  copies.offer('d', 't', record);
  assert.deepEqual(['a', 'b', 'c', 'd'].map((id) => copies.get(id) !== undefined), [false, false, false, true]);
  // Seven first reads overflow the six noted ids: the earliest are forgotten and count as first again.
  for (const id of ['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7']) copies.offer(id, 't', record);
  copies.offer('n1', 't', record);
  assert.equal(copies.get('n1'), undefined, 'noted before the overflow: a first read again');
  copies.offer('n7', 't', record);
  assert.ok(copies.get('n7'), 'noted after it: kept');
});

test('copies made under keys since rotated are ignored; clear forgets the noted ids too', () => {
  let generation = 0;
  const copies = createLocalCopies(10, () => generation);
  copies.offer('a', 't', record);
  copies.offer('a', 't', record);
  generation = 1;
  assert.equal(copies.get('a'), undefined);
  copies.offer('b', 't', record);
  copies.clear();
  copies.offer('b', 't', record);
  assert.equal(copies.get('b'), undefined, 'noted before the clear: a first read again');
});

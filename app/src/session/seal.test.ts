import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createSealer } from './seal.ts';

const k1 = Buffer.alloc(32, 1);
const k2 = Buffer.alloc(32, 2);

test('round-trips and binds the purpose', () => {
  const sealer = createSealer([k1]);
  const sealed = sealer.seal(Buffer.from('session-id'), 'session');
  assert.equal(sealer.unseal(sealed, 'session')?.toString(), 'session-id');
  assert.equal(sealer.unseal(sealed, 'login'), undefined);
  assert.notEqual(sealer.seal(Buffer.from('x'), 'session'), sealer.seal(Buffer.from('x'), 'session'), 'fresh IV each time');
});

test('rotation: old keys still unseal, only the first seals', () => {
  const sealedWithOld = createSealer([k1]).seal(Buffer.from('v'), 'p');
  const rotated = createSealer([k2, k1]);
  assert.equal(rotated.unseal(sealedWithOld, 'p')?.toString(), 'v');
  assert.equal(createSealer([k1]).unseal(rotated.seal(Buffer.from('v'), 'p'), 'p'), undefined);
});

test('tampered, truncated and garbage values unseal to undefined, never throw', () => {
  const sealer = createSealer([k1]);
  const sealed = sealer.seal(Buffer.from('session-id'), 'session');
  const flipped = Buffer.from(sealed, 'base64url');
  flipped[20] = (flipped[20] ?? 0) ^ 1;
  assert.equal(sealer.unseal(flipped.toString('base64url'), 'session'), undefined);
  assert.equal(sealer.unseal(sealed.slice(0, -4), 'session'), undefined);
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (garbage) => {
      assert.equal(sealer.unseal(garbage, 'session'), undefined);
    }),
    { numRuns: 2000 },
  );
});

test('a sealed value altered where decoding would not notice (a character appended, unused bits set) does not open', () => {
  const sealer = createSealer([k1]);
  // Ids of 22 and 32 characters: sealed values whose length leaves 0 and 2 characters over a multiple of 4.
  for (const id of ['a'.repeat(22), 'b'.repeat(32), 'c'.repeat(23)]) {
    const sealed = sealer.seal(Buffer.from(id), 'session');
    assert.equal(sealer.unseal(sealed, 'session')?.toString(), id);
    for (const suffix of ['x', 'A', 'xy', 'AA']) assert.equal(sealer.unseal(`${sealed}${suffix}`, 'session'), undefined, `${sealed.length % 4}: ${suffix}`);
    const last = sealed.at(-1) as string;
    for (const other of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_') {
      if (other === last) continue;
      assert.equal(sealer.unseal(`${sealed.slice(0, -1)}${other}`, 'session'), undefined, `last character ${last} → ${other}`);
    }
  }
});

test('refuses keys that are not 32 bytes', () => {
  assert.throws(() => createSealer([]));
  assert.throws(() => createSealer([Buffer.alloc(16)]));
});

test('sealBytes and unsealBytes: the same sealing without the text encoding', () => {
  const sealer = createSealer([k1]);
  const raw = sealer.sealBytes(Buffer.from('record'), 'store:a');
  assert.equal(sealer.unsealBytes(raw, 'store:a')?.toString(), 'record');
  assert.equal(sealer.unsealBytes(raw, 'store:b'), undefined, 'bound to its purpose');
  assert.equal(sealer.unseal(raw.toString('base64url'), 'store:a')?.toString(), 'record', 'the text form is its base64url');
  assert.equal(sealer.unsealBytes(raw.subarray(0, -1), 'store:a'), undefined, 'truncated');
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (garbage) => {
      assert.equal(sealer.unsealBytes(Buffer.from(garbage), 'store:a'), undefined);
    }),
    { numRuns: 2000 },
  );
});
